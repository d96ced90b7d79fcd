package dev.armature.arch.aarch64.decode;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.Feature;
import dev.armature.arch.aarch64.Insn;
import dev.armature.arch.aarch64.Undefined;
import dev.armature.arch.aarch64.insn.AtomicMemory;
import dev.armature.arch.aarch64.insn.CompareAndSwap;
import dev.armature.arch.aarch64.insn.CompareAndSwapPair;
import dev.armature.arch.aarch64.insn.LoadRegisterLiteral;
import dev.armature.arch.aarch64.insn.LoadStoreExclusive;
import dev.armature.arch.aarch64.insn.LoadStoreOrdered;
import dev.armature.arch.aarch64.insn.LoadStorePair;
import dev.armature.arch.aarch64.insn.LoadStorePairSimdFp;
import dev.armature.arch.aarch64.insn.LoadStoreRegisterImmediate;
import dev.armature.arch.aarch64.insn.LoadStoreRegisterOffset;
import dev.armature.arch.aarch64.insn.LoadStoreRegisterUnprivileged;
import dev.armature.arch.aarch64.insn.LoadStoreSimdFpRegister;
import dev.armature.arch.aarch64.insn.Prefetch;
import dev.armature.arch.aarch64.insn.SpAlignmentChecked;

/**
 * Decodes loads and stores (op0 = x1x0; Arm ARM C4.1.88 "Loads and Stores"): every ARMv8.0-A form, the ARMv8.1
 * LSE atomics and ARMv8.3 LDAPR, gated on the model's features, and the AdvSIMD structure loads/stores
 * ({@link AdvSimdLoadStoreDecoder}). Everything else in the group (memory tagging,
 * LORegions' LDLAR/STLLR, RCpc2 LDAPUR, pointer-authenticated LDRAA, ...) is UNDEFINED. Register 31 is resolved
 * here to SP, XZR or the write sink, so the semantics never test for it.
 */
public final class LoadStoreDecoder {
    private LoadStoreDecoder() {
    }

    public static Insn decode(int word, CpuModel model) {
        Insn insn = decodeAccess(word, model);
        boolean spBase = (word >>> 5 & 31) == 31 && (word & 0x3b00_0000) != 0x1800_0000; // literal: no Rn
        if (spBase && !(insn instanceof Undefined) && !(insn instanceof Prefetch)) {
            return new SpAlignmentChecked(insn);
        }
        return insn;
    }

    private static Insn decodeAccess(int word, CpuModel model) {
        if ((word & 0x3f00_0000) == 0x0800_0000) {
            return exclusiveOrdered(word, model);
        }
        if ((word & 0x3b00_0000) == 0x1800_0000) {
            return literal(word, model);
        }
        if ((word & 0x3a00_0000) == 0x2800_0000) {
            return pair(word, model);
        }
        if ((word & 0x3a00_0000) == 0x3800_0000) {
            if ((word & 0x0100_0000) != 0) {
                return unsignedOffset(word, model);
            }
            if ((word & 0x0020_0000) == 0) {
                return immediate9(word, model);
            }
            int op4 = (word >>> 10) & 3;
            if (op4 == 2) {
                return registerOffset(word, model);
            }
            if (op4 == 0) {
                return atomic(word, model);
            }
            return new Undefined(word); // LDRAA/LDRAB (pointer authentication)
        }
        if ((word & 0xbe00_0000) == 0x0c00_0000) {
            return AdvSimdLoadStoreDecoder.decode(word, model);
        }
        return new Undefined(word);
    }

    // ---- register operands ----

    /** A destination register: 31 is XZR, whose writes go to the sink. */
    private static int dst(int n) {
        return n == 31 ? Cpu.SINK : n;
    }

    /** A base register: 31 is SP. */
    private static int base(int n) {
        return n == 31 ? Cpu.SP : n;
    }

    static String gprName(int n, boolean x) {
        return n == 31 ? (x ? "xzr" : "wzr") : (x ? "x" : "w") + n;
    }

    static String baseName(int n) {
        return n == 31 ? "sp" : "x" + n;
    }

    private static String fpName(int n, int size) {
        return switch (size) {
            case 1 -> "b";
            case 2 -> "h";
            case 4 -> "s";
            case 8 -> "d";
            default -> "q";
        } + n;
    }

    /** The prefetch operation of PRFM/PRFUM: PLD/PLI/PST, target cache level, KEEP/STRM, or the raw number. */
    private static String prefetchOperation(int rt) {
        int type = rt >>> 3;
        int target = (rt >>> 1) & 3;
        if (type == 3 || target == 3) {
            return String.format("#0x%02x", rt);
        }
        return new String[] {"pld", "pli", "pst"}[type] + "l" + (target + 1) + ((rt & 1) == 0 ? "keep" : "strm");
    }

    private static String offsetText(int rn, long offset) {
        return offset == 0 ? "[" + baseName(rn) + "]" : "[" + baseName(rn) + ", #" + offset + "]";
    }

    /** Address text of an immediate form: mode 0 offset, 1 post-indexed, 3 pre-indexed (the op4 encoding). */
    private static String addressText(int rn, long offset, int mode) {
        return switch (mode) {
            case 1 -> "[" + baseName(rn) + "], #" + offset;
            case 3 -> "[" + baseName(rn) + ", #" + offset + "]!";
            default -> offsetText(rn, offset);
        };
    }

    // ---- general-purpose register transfers: size (log2 bytes) and opc of the single-register forms ----

    /** The mnemonic suffix of an integer access: "b", "sb", "h", "sh", "", "sw". */
    private static String sizeSuffix(int size, boolean signed) {
        return switch (size) {
            case 0 -> signed ? "sb" : "b";
            case 1 -> signed ? "sh" : "h";
            case 2 -> signed ? "sw" : "";
            default -> "";
        };
    }

    /** True if (size, opc) of a general-purpose register form is allocated (PRFM aside: size 3, opc 2). */
    private static boolean gprAllocated(int size, int opc) {
        return opc < 2 || (opc == 2 && size < 3) || (opc == 3 && size < 2);
    }

    private static int signShift(int size, int opc) {
        return opc >= 2 ? 64 - (8 << size) : 0;
    }

    /** A W destination (32-bit loads and LDRS* W) keeps 32 bits. */
    private static long loadMask(int size, int opc) {
        return opc == 3 || (opc == 1 && size < 3) ? 0xffff_ffffL : -1L;
    }

    private static boolean loadsX(int size, int opc) {
        return opc == 2 || (opc == 1 && size == 3) || (opc == 0 && size == 3);
    }

    private static String gprMnemonic(String base, int size, int opc) {
        return base + sizeSuffix(size, opc >= 2);
    }

    // ---- SIMD&FP register transfers: log2 size from size and opc<1> ----

    /** log2 of the SIMD&FP access size, or -1 if unallocated. */
    private static int fpScale(int size, int opc) {
        int scale = (opc & 2) << 1 | size;
        return scale <= 4 ? scale : -1;
    }

    // ---- Load/store register (unsigned immediate) ----

    private static Insn unsignedOffset(int word, CpuModel model) {
        int size = word >>> 30;
        int opc = (word >>> 22) & 3;
        int rn = (word >>> 5) & 31;
        int rt = word & 31;
        long imm12 = (word >>> 10) & 0xfff;
        boolean vector = (word & 0x0400_0000) != 0;
        if (vector) {
            int scale = fpScale(size, opc);
            if (scale < 0 || !model.has(Feature.FP)) {
                return new Undefined(word);
            }
            long offset = imm12 << scale;
            return simdFpImmediate(opc, rt, rn, offset, offset, false, 1 << scale, 0);
        }
        long offset = imm12 << size;
        if (size == 3 && opc == 2) {
            return new Prefetch("prfm " + prefetchOperation(rt) + ", " + offsetText(rn, offset));
        }
        if (!gprAllocated(size, opc)) {
            return new Undefined(word);
        }
        return gprImmediate(opc == 0 ? "str" : "ldr", size, opc, rt, rn, offset, 0);
    }

    /**
     * General-purpose register immediate forms. {@code mode} is op4 of the 9-bit immediate forms: 0 no writeback
     * (also the unsigned offset form), 1 post-indexed, 3 pre-indexed.
     */
    private static Insn gprImmediate(String mnemonic, int size, int opc, int rt, int rn, long offset, int mode) {
        int bytes = 1 << size;
        String text = gprMnemonic(mnemonic, size, opc) + " " + gprName(rt, loadsX(size, opc)) + ", "
                + addressText(rn, offset, mode);
        if (opc == 0) {
            if (mode == 0) {
                return new LoadStoreRegisterImmediate.Store(text, rt, base(rn), offset, bytes);
            }
            return new LoadStoreRegisterImmediate.StoreWriteback(text, rt, base(rn), mode == 3 ? offset : 0, offset,
                    bytes);
        }
        int sh = signShift(size, opc);
        long mask = loadMask(size, opc);
        if (mode == 0) {
            return new LoadStoreRegisterImmediate.Load(text, dst(rt), base(rn), offset, bytes, sh, mask);
        }
        return new LoadStoreRegisterImmediate.LoadWriteback(text, dst(rt), base(rn), mode == 3 ? offset : 0, offset,
                bytes, sh, mask);
    }

    private static Insn simdFpImmediate(int opc, int vt, int rn, long accessOffset, long offset, boolean writeback,
            int bytes, int mode) {
        String text = ((opc & 1) != 0 ? "ldr " : "str ") + fpName(vt, bytes) + ", " + addressText(rn, offset, mode);
        if ((opc & 1) != 0) {
            return new LoadStoreSimdFpRegister.Load(text, vt, base(rn), accessOffset, offset, writeback, bytes);
        }
        return new LoadStoreSimdFpRegister.Store(text, vt, base(rn), accessOffset, offset, writeback, bytes);
    }

    // ---- Load/store register (unscaled immediate, pre/post-indexed, unprivileged) ----

    private static Insn immediate9(int word, CpuModel model) {
        int size = word >>> 30;
        int opc = (word >>> 22) & 3;
        int mode = (word >>> 10) & 3;
        int rn = (word >>> 5) & 31;
        int rt = word & 31;
        long offset = (long) (word << 11 >> 23); // imm9, bits 20:12, sign-extended
        boolean vector = (word & 0x0400_0000) != 0;
        if (vector) {
            int scale = fpScale(size, opc);
            if (scale < 0 || mode == 2 || !model.has(Feature.FP)) {
                return new Undefined(word);
            }
            if (mode == 0) {
                String text = ((opc & 1) != 0 ? "ldur " : "stur ") + fpName(rt, 1 << scale) + ", "
                        + offsetText(rn, offset);
                return (opc & 1) != 0
                        ? new LoadStoreSimdFpRegister.Load(text, rt, base(rn), offset, offset, false, 1 << scale)
                        : new LoadStoreSimdFpRegister.Store(text, rt, base(rn), offset, offset, false, 1 << scale);
            }
            return simdFpImmediate(opc, rt, rn, mode == 3 ? offset : 0, offset, true, 1 << scale, mode);
        }
        if (size == 3 && opc == 2) {
            return mode == 0
                    ? new Prefetch("prfum " + prefetchOperation(rt) + ", " + offsetText(rn, offset))
                    : new Undefined(word);
        }
        if (!gprAllocated(size, opc)) {
            return new Undefined(word);
        }
        return switch (mode) {
            case 0 -> {
                String text = gprMnemonic(opc == 0 ? "stur" : "ldur", size, opc) + " "
                        + gprName(rt, loadsX(size, opc)) + ", " + offsetText(rn, offset);
                yield opc == 0
                        ? new LoadStoreRegisterImmediate.Store(text, rt, base(rn), offset, 1 << size)
                        : new LoadStoreRegisterImmediate.Load(text, dst(rt), base(rn), offset, 1 << size,
                                signShift(size, opc), loadMask(size, opc));
            }
            case 2 -> {
                String text = gprMnemonic(opc == 0 ? "sttr" : "ldtr", size, opc) + " "
                        + gprName(rt, loadsX(size, opc)) + ", " + offsetText(rn, offset);
                yield opc == 0
                        ? new LoadStoreRegisterUnprivileged.Store(text, rt, base(rn), offset, 1 << size)
                        : new LoadStoreRegisterUnprivileged.Load(text, dst(rt), base(rn), offset, 1 << size,
                                signShift(size, opc), loadMask(size, opc));
            }
            default -> gprImmediate(opc == 0 ? "str" : "ldr", size, opc, rt, rn, offset, mode);
        };
    }

    // ---- Load/store register (register offset) ----

    private static Insn registerOffset(int word, CpuModel model) {
        int size = word >>> 30;
        int opc = (word >>> 22) & 3;
        int rm = (word >>> 16) & 31;
        int option = (word >>> 13) & 7;
        boolean s = (word & 0x1000) != 0;
        int rn = (word >>> 5) & 31;
        int rt = word & 31;
        if ((option & 2) == 0) {
            return new Undefined(word);
        }
        boolean vector = (word & 0x0400_0000) != 0;
        int scale = vector ? fpScale(size, opc) : size;
        if (vector && (scale < 0 || !model.has(Feature.FP))) {
            return new Undefined(word);
        }
        int shift = s ? scale : 0;
        // UXTW: keep the low 32 bits; SXTW: sign-extend them; LSL (UXTX) and SXTX: the whole register.
        int extendShift = (option & 1) == 0 ? 32 : 0;
        long extendMask = option == 2 ? 0xffff_ffffL : -1L;
        String extend = switch (option) {
            case 2 -> "uxtw";
            case 3 -> "lsl";
            case 6 -> "sxtw";
            default -> "sxtx";
        };
        String address = "[" + baseName(rn) + ", " + gprName(rm, (option & 1) != 0)
                + (option == 3 && !s ? "" : ", " + extend + (s ? " #" + shift : "")) + "]";
        if (vector) {
            int bytes = 1 << scale;
            String text = ((opc & 1) != 0 ? "ldr " : "str ") + fpName(rt, bytes) + ", " + address;
            return (opc & 1) != 0
                    ? new LoadStoreSimdFpRegister.LoadRegisterOffset(text, rt, base(rn), rm, extendShift, extendMask,
                            shift, bytes)
                    : new LoadStoreSimdFpRegister.StoreRegisterOffset(text, rt, base(rn), rm, extendShift,
                            extendMask, shift, bytes);
        }
        if (size == 3 && opc == 2) {
            return new Prefetch("prfm " + prefetchOperation(rt) + ", " + address);
        }
        if (!gprAllocated(size, opc)) {
            return new Undefined(word);
        }
        String text = gprMnemonic(opc == 0 ? "str" : "ldr", size, opc) + " " + gprName(rt, loadsX(size, opc)) + ", "
                + address;
        if (opc == 0) {
            return new LoadStoreRegisterOffset.Store(text, rt, base(rn), rm, extendShift, extendMask, shift,
                    1 << size);
        }
        return new LoadStoreRegisterOffset.Load(text, dst(rt), base(rn), rm, extendShift, extendMask, shift,
                1 << size, signShift(size, opc), loadMask(size, opc));
    }

    // ---- Load register (literal) ----

    private static Insn literal(int word, CpuModel model) {
        int opc = word >>> 30;
        int rt = word & 31;
        long offset = (long) (word << 8 >> 13) << 2; // imm19, bits 23:5
        String target = ", ." + (offset < 0 ? "" : "+") + offset;
        if ((word & 0x0400_0000) != 0) {
            if (opc == 3 || !model.has(Feature.FP)) {
                return new Undefined(word);
            }
            int bytes = 4 << opc;
            return new LoadRegisterLiteral.SimdFp("ldr " + fpName(rt, bytes) + target, rt, offset, bytes);
        }
        return switch (opc) {
            case 0 -> new LoadRegisterLiteral.General("ldr " + gprName(rt, false) + target, dst(rt), offset, 4, 0);
            case 1 -> new LoadRegisterLiteral.General("ldr " + gprName(rt, true) + target, dst(rt), offset, 8, 0);
            case 2 -> new LoadRegisterLiteral.General("ldrsw " + gprName(rt, true) + target, dst(rt), offset, 4, 32);
            default -> new Prefetch("prfm " + prefetchOperation(rt) + target);
        };
    }

    // ---- Load/store pair (and no-allocate pair) ----

    private static Insn pair(int word, CpuModel model) {
        int opc = word >>> 30;
        int mode = (word >>> 23) & 3; // 0 no-allocate offset, 1 post-indexed, 2 offset, 3 pre-indexed
        boolean load = (word & 0x0040_0000) != 0;
        long imm7 = word << 10 >> 25;
        int rt2 = (word >>> 10) & 31;
        int rn = (word >>> 5) & 31;
        int rt = word & 31;
        String mnemonic = (load ? "ld" : "st") + (mode == 0 ? "np" : "p");
        int textMode = mode == 1 ? 1 : mode == 3 ? 3 : 0;
        if ((word & 0x0400_0000) != 0) {
            if (opc == 3 || !model.has(Feature.FP)) {
                return new Undefined(word);
            }
            int bytes = 4 << opc;
            long offset = imm7 * bytes;
            String text = mnemonic + " " + fpName(rt, bytes) + ", " + fpName(rt2, bytes) + ", "
                    + addressText(rn, offset, textMode);
            long accessOffset = mode == 1 ? 0 : offset;
            boolean writeback = mode == 1 || mode == 3;
            return load
                    ? new LoadStorePairSimdFp.Load(text, rt, rt2, base(rn), accessOffset, offset, writeback, bytes)
                    : new LoadStorePairSimdFp.Store(text, rt, rt2, base(rn), accessOffset, offset, writeback, bytes);
        }
        boolean signed = opc == 1;
        if (opc == 3 || (signed && (!load || mode == 0))) {
            return new Undefined(word); // opc 01: only LDPSW (STGP is memory tagging)
        }
        int bytes = opc == 2 ? 8 : 4;
        long offset = imm7 * bytes;
        boolean x = opc != 0;
        String text = (signed ? "ldpsw" : mnemonic) + " " + gprName(rt, x) + ", " + gprName(rt2, x) + ", "
                + addressText(rn, offset, textMode);
        int sh = signed ? 32 : 0;
        if (mode == 0 || mode == 2) {
            return load
                    ? new LoadStorePair.Load(text, dst(rt), dst(rt2), base(rn), offset, bytes, sh)
                    : new LoadStorePair.Store(text, rt, rt2, base(rn), offset, bytes);
        }
        long accessOffset = mode == 1 ? 0 : offset;
        return load
                ? new LoadStorePair.LoadWriteback(text, dst(rt), dst(rt2), base(rn), accessOffset, offset, bytes, sh)
                : new LoadStorePair.StoreWriteback(text, rt, rt2, base(rn), accessOffset, offset, bytes);
    }

    // ---- Load/store exclusive, load-acquire/store-release, compare and swap ----

    private static Insn exclusiveOrdered(int word, CpuModel model) {
        int size = word >>> 30;
        boolean o2 = (word & 0x0080_0000) != 0;
        boolean load = (word & 0x0040_0000) != 0;
        boolean o1 = (word & 0x0020_0000) != 0;
        int rs = (word >>> 16) & 31;
        boolean o0 = (word & 0x8000) != 0;
        int rt2 = (word >>> 10) & 31;
        int rn = (word >>> 5) & 31;
        int rt = word & 31;
        int bytes = 1 << size;
        String suffix = switch (size) {
            case 0 -> "b";
            case 1 -> "h";
            default -> "";
        };
        boolean x = size == 3;
        String address = "[" + baseName(rn) + "]";
        if (!o2 && !o1) {
            // LDXR/LDAXR/STXR/STLXR; Rs (loads) and Rt2 are should-be-one fields, ignored like QEMU does.
            if (load) {
                String text = (o0 ? "ldaxr" : "ldxr") + suffix + " " + gprName(rt, x) + ", " + address;
                return new LoadStoreExclusive.LoadExclusive(text, dst(rt), base(rn), bytes, o0);
            }
            String text = (o0 ? "stlxr" : "stxr") + suffix + " " + gprName(rs, false) + ", " + gprName(rt, x) + ", "
                    + address;
            return new LoadStoreExclusive.StoreExclusive(text, dst(rs), rt, base(rn), bytes);
        }
        if (!o2) {
            if (size >= 2) {
                int regBytes = size == 3 ? 8 : 4;
                if (load) {
                    String text = (o0 ? "ldaxp " : "ldxp ") + gprName(rt, x) + ", " + gprName(rt2, x) + ", " + address;
                    return new LoadStoreExclusive.LoadExclusivePair(text, dst(rt), dst(rt2), base(rn), regBytes, o0);
                }
                String text = (o0 ? "stlxp " : "stxp ") + gprName(rs, false) + ", " + gprName(rt, x) + ", "
                        + gprName(rt2, x) + ", " + address;
                return new LoadStoreExclusive.StoreExclusivePair(text, dst(rs), rt, rt2, base(rn), regBytes);
            }
            return compareAndSwapPair(word, model, size == 1, load, o0, rs, rt2, rn, rt);
        }
        if (!o1) {
            if (!o0) {
                return new Undefined(word); // LDLAR/STLLR need LORegions (FEAT_LOR), not modelled
            }
            if (load) {
                return new LoadStoreOrdered.LoadAcquire("ldar" + suffix + " " + gprName(rt, x) + ", " + address,
                        dst(rt), base(rn), bytes);
            }
            return new LoadStoreOrdered.StoreRelease("stlr" + suffix + " " + gprName(rt, x) + ", " + address, rt,
                    base(rn), bytes);
        }
        if (!model.has(Feature.LSE) || rt2 != 31) {
            return new Undefined(word);
        }
        String text = "cas" + (load ? "a" : "") + (o0 ? "l" : "") + suffix + " " + gprName(rs, x) + ", "
                + gprName(rt, x) + ", " + address;
        return new CompareAndSwap(text, rs, dst(rs), rt, base(rn), bytes);
    }

    /** CASP* (size 0x of the exclusive-pair encoding); Rs and Rt must be even. */
    private static Insn compareAndSwapPair(int word, CpuModel model, boolean x, boolean acquire, boolean release,
            int rs, int rt2, int rn, int rt) {
        if (!model.has(Feature.LSE) || rt2 != 31 || (rs & 1) != 0 || (rt & 1) != 0) {
            return new Undefined(word);
        }
        String text = "casp" + (acquire ? "a" : "") + (release ? "l" : "") + " " + gprName(rs, x) + ", "
                + gprName(rs + 1, x) + ", " + gprName(rt, x) + ", " + gprName(rt + 1, x) + ", [" + baseName(rn) + "]";
        return new CompareAndSwapPair(text, rs, rs + 1, dst(rs), dst(rs + 1), rt, rt + 1, base(rn), x ? 8 : 4);
    }

    // ---- Atomic memory operations (LSE) and LDAPR ----

    private static final String[] ATOMIC_NAMES = {"add", "clr", "eor", "set", "smax", "smin", "umax", "umin"};

    private static Insn atomic(int word, CpuModel model) {
        int size = word >>> 30;
        boolean acquire = (word & 0x0080_0000) != 0;
        boolean release = (word & 0x0040_0000) != 0;
        int rs = (word >>> 16) & 31;
        boolean o3 = (word & 0x8000) != 0;
        int opc = (word >>> 12) & 7;
        int rn = (word >>> 5) & 31;
        int rt = word & 31;
        if ((word & 0x0400_0000) != 0) {
            return new Undefined(word);
        }
        String suffix = switch (size) {
            case 0 -> "b";
            case 1 -> "h";
            default -> "";
        };
        boolean x = size == 3;
        if (o3 && opc == 4) {
            if (acquire && !release && rs == 31 && model.has(Feature.LRCPC)) {
                return new LoadStoreOrdered.LoadAcquire("ldapr" + suffix + " " + gprName(rt, x) + ", ["
                        + baseName(rn) + "]", dst(rt), base(rn), 1 << size);
            }
            return new Undefined(word);
        }
        if (!model.has(Feature.LSE) || (o3 && opc != 0)) {
            return new Undefined(word);
        }
        int op = o3 ? AtomicMemory.SWP : opc;
        String ordering = (acquire ? "a" : "") + (release ? "l" : "");
        String text;
        if (o3) {
            text = "swp" + ordering + suffix + " " + gprName(rs, x) + ", " + gprName(rt, x);
        } else if (rt == 31 && !acquire) {
            text = "st" + ATOMIC_NAMES[opc] + ordering + suffix + " " + gprName(rs, x); // ST<op> alias
        } else {
            text = "ld" + ATOMIC_NAMES[opc] + ordering + suffix + " " + gprName(rs, x) + ", " + gprName(rt, x);
        }
        return new AtomicMemory(text + ", [" + baseName(rn) + "]", op, rs, dst(rt), base(rn), 1 << size);
    }
}
