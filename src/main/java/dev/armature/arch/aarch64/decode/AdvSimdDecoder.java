package dev.armature.arch.aarch64.decode;

import dev.armature.arch.aarch64.Bits;
import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.Insn;
import dev.armature.arch.aarch64.Undefined;
import dev.armature.arch.aarch64.insn.AdvSimdAcrossLanes;
import dev.armature.arch.aarch64.insn.AdvSimdCopy;
import dev.armature.arch.aarch64.insn.AdvSimdExtract;
import dev.armature.arch.aarch64.insn.AdvSimdLogical;
import dev.armature.arch.aarch64.insn.AdvSimdModifiedImmediate;
import dev.armature.arch.aarch64.insn.AdvSimdNarrow;
import dev.armature.arch.aarch64.insn.AdvSimdPairwiseLong;
import dev.armature.arch.aarch64.insn.AdvSimdPermute;
import dev.armature.arch.aarch64.insn.AdvSimdReverse;
import dev.armature.arch.aarch64.insn.AdvSimdShiftImmediate;
import dev.armature.arch.aarch64.insn.AdvSimdShiftLong;
import dev.armature.arch.aarch64.insn.AdvSimdTableLookup;
import dev.armature.arch.aarch64.insn.AdvSimdThreeDifferent;
import dev.armature.arch.aarch64.insn.AdvSimdThreeSame;
import dev.armature.arch.aarch64.insn.AdvSimdThreeSame.Op;
import dev.armature.arch.aarch64.insn.AdvSimdTwoRegMisc;

/**
 * Decodes the Advanced SIMD integer instructions (vector: op0 = 0xx0; scalar: op0 = 01x1) of ARMv8.0-A.
 * Floating-point AdvSIMD encodings are handed to {@link AdvSimdFpDecoder}.
 */
final class AdvSimdDecoder {
    private static final String[] ARRANGEMENTS = {"8b", "16b", "4h", "8h", "2s", "4s", "1d", "2d"};
    private static final char[] SCALAR = {'b', 'h', 's', 'd'};

    private AdvSimdDecoder() {
    }

    static String arr(int size, boolean q) {
        return ARRANGEMENTS[size * 2 + (q ? 1 : 0)];
    }

    static String vreg(int r, int size, boolean q) {
        return "v" + r + "." + arr(size, q);
    }

    static String sreg(int r, int size) {
        return "" + SCALAR[size] + r;
    }

    /** Vector forms: op0 = 0xx0 (bit 31 clear, bit 28 clear). */
    static Insn vector(int word, CpuModel model) {
        if (word < 0) {
            return new Undefined(word);
        }
        if ((word & (1 << 24)) != 0) {
            if ((word & (1 << 10)) == 0) {
                return AdvSimdFpDecoder.indexedOr(word, indexed(word));
            }
            if ((word & (1 << 23)) != 0) {
                return new Undefined(word);
            }
            return ((word >>> 19) & 0xf) == 0 ? modifiedImmediate(word) : shiftImmediate(word, false);
        }
        if ((word & (1 << 21)) != 0) {
            if ((word & (1 << 10)) != 0) {
                return threeSame(word, false);
            }
            if ((word & (1 << 11)) == 0) {
                return threeDifferent(word, model);
            }
            return switch ((word >>> 17) & 0xf) {
                case 0 -> twoRegMisc(word, false);
                case 8 -> acrossLanes(word);
                case 4 -> CryptoDecoder.aes(word, model);
                default -> new Undefined(word);
            };
        }
        // Remaining: copy (bit 10 set), TBL/TBX, permute, EXT; bit 15 set or other bits 23:22 are FP16/unallocated.
        int op2 = (word >>> 22) & 3;
        if ((word & (1 << 15)) != 0) {
            return new Undefined(word);
        }
        if ((word & (1 << 10)) != 0) {
            return op2 == 0 ? copy(word) : new Undefined(word);
        }
        if ((word & (1 << 29)) != 0) {
            return op2 == 0 ? extract(word) : new Undefined(word);
        }
        if ((word & (1 << 11)) != 0) {
            return permute(word);
        }
        return op2 == 0 ? tableLookup(word) : new Undefined(word);
    }

    /** Scalar forms: op0 = 01x1. */
    static Insn scalar(int word, CpuModel model) {
        if (word < 0) {
            return new Undefined(word);
        }
        if ((word & (1 << 24)) != 0) {
            if ((word & (1 << 10)) == 0) {
                return AdvSimdFpDecoder.indexedOr(word, scalarIndexed(word));
            }
            if ((word & (1 << 23)) != 0 || ((word >>> 19) & 0xf) == 0) {
                return new Undefined(word);
            }
            return shiftImmediate(word, true);
        }
        if ((word & (1 << 21)) != 0) {
            if ((word & (1 << 10)) != 0) {
                return threeSame(word, true);
            }
            if ((word & (1 << 11)) == 0) {
                return scalarThreeDifferent(word);
            }
            return switch ((word >>> 17) & 0xf) {
                case 0 -> twoRegMisc(word, true);
                case 8 -> scalarPairwise(word);
                case 4 -> CryptoDecoder.shaTwoReg(word, model);
                default -> new Undefined(word);
            };
        }
        if ((word & 0xff208c00) == 0x5e000000) {
            return CryptoDecoder.shaThreeReg(word, model);
        }
        if ((word & 0xffe0fc00 & ~(0x1f << 16)) == 0x5e000400 && ((word >>> 16) & 0xf) != 0) {
            int imm5 = (word >>> 16) & 0x1f;
            int size = Integer.numberOfTrailingZeros(imm5);
            int index = imm5 >>> (size + 1);
            int d = word & 31;
            int n = (word >>> 5) & 31;
            return new AdvSimdCopy.DupElement("mov " + sreg(d, size) + ", v" + n + "." + SCALAR[size] + "[" + index
                    + "]", d, n, 8 << size, index, 8 << size);
        }
        return new Undefined(word);
    }

    private static Insn copy(int word) {
        boolean q = (word & (1 << 30)) != 0;
        boolean op = (word & (1 << 29)) != 0;
        int imm5 = (word >>> 16) & 0x1f;
        int imm4 = (word >>> 11) & 0xf;
        int d = word & 31;
        int n = (word >>> 5) & 31;
        if ((imm5 & 0xf) == 0) {
            return new Undefined(word);
        }
        int size = Integer.numberOfTrailingZeros(imm5);
        int esize = 8 << size;
        int index = imm5 >>> (size + 1);
        String ts = "" + SCALAR[size];
        if (op) {
            if (!q) {
                return new Undefined(word);
            }
            int src = imm4 >>> size;
            return new AdvSimdCopy.Insert("mov v" + d + "." + ts + "[" + index + "], v" + n + "." + ts + "[" + src
                    + "]", d, n, true, esize, index, src);
        }
        switch (imm4) {
            case 0 -> {
                if (size == 3 && !q) {
                    return new Undefined(word);
                }
                return new AdvSimdCopy.DupElement("dup " + vreg(d, size, q) + ", v" + n + "." + ts + "[" + index
                        + "]", d, n, esize, index, q ? 128 : 64);
            }
            case 1 -> {
                if (size == 3 && !q) {
                    return new Undefined(word);
                }
                int rn = RegisterOperands.zr(word, 5);
                return new AdvSimdCopy.DupGeneral("dup " + vreg(d, size, q) + ", " + (size == 3 ? "x" : "w") + rn,
                        d, rn, esize, q);
            }
            case 3 -> {
                if (!q) {
                    return new Undefined(word);
                }
                int rn = RegisterOperands.zr(word, 5);
                return new AdvSimdCopy.Insert("mov v" + d + "." + ts + "[" + index + "], " + (size == 3 ? "x" : "w")
                        + rn, d, rn, false, esize, index, 0);
            }
            case 5, 7 -> {
                boolean signed = imm4 == 5;
                boolean valid = signed ? (q ? size < 3 : size < 2) : (q ? size == 3 : size < 3);
                if (!valid) {
                    return new Undefined(word);
                }
                int rd = RegisterOperands.zrDest(word, 0);
                return new AdvSimdCopy.Move((signed ? "smov " : "umov ") + (q ? "x" : "w") + (word & 31) + ", v" + n
                        + "." + ts + "[" + index + "]", rd, n, esize, index, signed, q);
            }
            default -> {
                return new Undefined(word);
            }
        }
    }

    private static Insn modifiedImmediate(int word) {
        boolean q = (word & (1 << 30)) != 0;
        boolean op = (word & (1 << 29)) != 0;
        int cmode = (word >>> 12) & 0xf;
        int o2 = (word >>> 11) & 1;
        int imm8 = ((word >>> 16) & 7) << 5 | ((word >>> 5) & 0x1f);
        int d = word & 31;
        if (cmode == 0xf) {
            if (o2 == 1 || (op && !q)) {
                return new Undefined(word); // FMOV half precision (FEAT_FP16), or reserved
            }
            long imm = op ? AdvSimdFpDecoder.expandFpImm(imm8, 64) : Bits.replicate(
                    AdvSimdFpDecoder.expandFpImm(imm8, 32), 32);
            return new AdvSimdModifiedImmediate("fmov " + vreg(d, op ? 3 : 2, q) + ", #0x" + Integer.toHexString(imm8),
                    AdvSimdModifiedImmediate.Kind.MOVE, d, imm, q);
        }
        if (o2 == 1) {
            return new Undefined(word);
        }
        long imm = expandImm(op, cmode, imm8);
        boolean logical = (cmode & 1) == 1 && cmode < 12;
        String name;
        AdvSimdModifiedImmediate.Kind kind;
        if (logical) {
            name = op ? "bic" : "orr";
            kind = op ? AdvSimdModifiedImmediate.Kind.AND : AdvSimdModifiedImmediate.Kind.ORR;
            if (op) {
                imm = ~imm;
            }
        } else {
            boolean mvni = op && cmode != 0xe;
            name = mvni ? "mvni" : "movi";
            kind = AdvSimdModifiedImmediate.Kind.MOVE;
            if (mvni) {
                imm = ~imm;
            }
        }
        return new AdvSimdModifiedImmediate(name + " v" + d + (q ? ".16b" : ".8b") + ", #0x" + Long.toHexString(imm),
                kind, d, imm, q);
    }

    /** AdvSIMDExpandImm for the integer cmodes (0..14). */
    static long expandImm(boolean op, int cmode, int imm8) {
        long i = imm8;
        return switch (cmode >>> 1) {
            case 0, 1, 2, 3 -> Bits.replicate(i << (8 * (cmode >>> 1)), 32);
            case 4, 5 -> Bits.replicate(i << (8 * ((cmode >>> 1) & 1)), 16);
            case 6 -> Bits.replicate((cmode & 1) == 0 ? i << 8 | 0xff : i << 16 | 0xffff, 32);
            default -> {
                if (!op) {
                    yield Bits.replicate(i, 8);
                }
                long r = 0;
                for (int b = 0; b < 8; b++) {
                    if ((imm8 >>> b & 1) != 0) {
                        r |= 0xffL << (8 * b);
                    }
                }
                yield r;
            }
        };
    }

    private static final Op[][] THREE_SAME = {
        {Op.SHADD, Op.UHADD}, {Op.SQADD, Op.UQADD}, {Op.SRHADD, Op.URHADD}, null, {Op.SHSUB, Op.UHSUB},
        {Op.SQSUB, Op.UQSUB}, {Op.CMGT, Op.CMHI}, {Op.CMGE, Op.CMHS}, {Op.SSHL, Op.USHL}, {Op.SQSHL, Op.UQSHL},
        {Op.SRSHL, Op.URSHL}, {Op.SQRSHL, Op.UQRSHL}, {Op.SMAX, Op.UMAX}, {Op.SMIN, Op.UMIN},
        {Op.SABD, Op.UABD}, {Op.SABA, Op.UABA}, {Op.ADD, Op.SUB}, {Op.CMTST, Op.CMEQ}, {Op.MLA, Op.MLS},
        {Op.MUL, Op.PMUL}, {Op.SMAX, Op.UMAX}, {Op.SMIN, Op.UMIN}, {Op.SQDMULH, Op.SQRDMULH}, {Op.ADD, null}};

    private static Insn threeSame(int word, boolean scalar) {
        int opcode = (word >>> 11) & 0x1f;
        if (opcode >= 0x18) {
            return AdvSimdFpDecoder.threeSame(word, scalar);
        }
        boolean q = (word & (1 << 30)) != 0;
        int u = (word >>> 29) & 1;
        int size = (word >>> 22) & 3;
        int d = word & 31;
        int n = (word >>> 5) & 31;
        int m = (word >>> 16) & 31;
        if (opcode == 3) {
            if (scalar) {
                return new Undefined(word);
            }
            AdvSimdLogical.Op op = AdvSimdLogical.Op.values()[u * 4 + size];
            return new AdvSimdLogical(op.name().toLowerCase() + " " + vreg(d, 0, q) + ", " + vreg(n, 0, q) + ", "
                    + vreg(m, 0, q), op, d, n, m, q);
        }
        Op op = THREE_SAME[opcode][u];
        if (op == null) {
            return new Undefined(word);
        }
        boolean pairwise = opcode >= 0x14 && opcode != 0x16;
        boolean saturating = op == Op.SQADD || op == Op.UQADD || op == Op.SQSUB || op == Op.UQSUB
                || op == Op.SQSHL || op == Op.UQSHL || op == Op.SQRSHL || op == Op.UQRSHL;
        boolean valid;
        if (scalar && (0x430fe2 >>> opcode & 1) == 0) {
            valid = false; // no scalar form
        } else if (scalar) {
            boolean d64 = op == Op.CMGT || op == Op.CMHI || op == Op.CMGE || op == Op.CMHS || op == Op.SSHL
                    || op == Op.USHL || op == Op.SRSHL || op == Op.URSHL || op == Op.ADD || op == Op.SUB
                    || op == Op.CMTST || op == Op.CMEQ;
            valid = d64 ? size == 3 : saturating || ((op == Op.SQDMULH || op == Op.SQRDMULH)
                    && (size == 1 || size == 2));
        } else if (op == Op.PMUL) {
            valid = size == 0;
        } else if (op == Op.MLA || op == Op.MLS || op == Op.MUL || pairwise && opcode != 0x17
                || op == Op.SHADD || op == Op.UHADD || op == Op.SRHADD || op == Op.URHADD || op == Op.SHSUB
                || op == Op.UHSUB || op == Op.SMAX || op == Op.UMAX || op == Op.SMIN || op == Op.UMIN
                || op == Op.SABD || op == Op.UABD || op == Op.SABA || op == Op.UABA) {
            valid = size != 3;
        } else if (op == Op.SQDMULH || op == Op.SQRDMULH) {
            valid = size == 1 || size == 2;
        } else {
            valid = size != 3 || q;
        }
        if (!valid) {
            return new Undefined(word);
        }
        String name = (pairwise ? op.name() + "P" : op.name()).toLowerCase();
        String text = scalar ? name + " " + sreg(d, size) + ", " + sreg(n, size) + ", " + sreg(m, size)
                : name + " " + vreg(d, size, q) + ", " + vreg(n, size, q) + ", " + vreg(m, size, q);
        int esize = 8 << size;
        return new AdvSimdThreeSame(text, op, d, n, m, esize, scalar ? esize : q ? 128 : 64, pairwise, -1);
    }

    private static Insn twoRegMisc(int word, boolean scalar) {
        boolean q = (word & (1 << 30)) != 0;
        int u = (word >>> 29) & 1;
        int size = (word >>> 22) & 3;
        int opcode = (word >>> 12) & 0x1f;
        int d = word & 31;
        int n = (word >>> 5) & 31;
        int esize = 8 << size;
        int datasize = scalar ? esize : q ? 128 : 64;
        if (opcode >= 0xc && opcode != 0x12 && opcode != 0x13 && opcode != 0x14) {
            return AdvSimdFpDecoder.twoRegMisc(word, scalar);
        }
        if (!scalar) {
            switch (opcode) {
                case 0, 1 -> {
                    // REV64 (U=0, op 0), REV32 (U=1, op 0), REV16 (U=0, op 1)
                    int container = opcode == 1 ? 16 : u == 1 ? 32 : 64;
                    if (opcode == 1 && u == 1 || esize >= container) {
                        return new Undefined(word);
                    }
                    return new AdvSimdReverse("rev" + container + " " + vreg(d, size, q) + ", " + vreg(n, size, q),
                            d, n, esize, container, q);
                }
                case 2, 6 -> {
                    if (size == 3) {
                        return new Undefined(word);
                    }
                    String name = (u == 1 ? "u" : "s") + (opcode == 2 ? "addlp " : "adalp ");
                    return new AdvSimdPairwiseLong(name + vreg(d, size + 1, q) + ", " + vreg(n, size, q), d, n, esize,
                            datasize, u == 0, opcode == 6);
                }
                case 0x13 -> {
                    if (u == 0 || size == 3) {
                        return new Undefined(word);
                    }
                    return new AdvSimdShiftLong("shll" + (q ? "2 " : " ") + vreg(d, size + 1, true) + ", "
                            + vreg(n, size, q) + ", #" + esize, d, n, esize, q, false, esize);
                }
                default -> {
                }
            }
        }
        if (opcode == 0x12 || opcode == 0x14) {
            if (size == 3) {
                return new Undefined(word);
            }
            AdvSimdNarrow.Sat sat;
            String name;
            if (opcode == 0x12) {
                if (scalar && u == 0) {
                    return new Undefined(word);
                }
                sat = u == 0 ? AdvSimdNarrow.Sat.TRUNCATE : AdvSimdNarrow.Sat.SIGNED_TO_UNSIGNED;
                name = u == 0 ? "xtn" : "sqxtun";
            } else {
                sat = u == 0 ? AdvSimdNarrow.Sat.SIGNED : AdvSimdNarrow.Sat.UNSIGNED;
                name = u == 0 ? "sqxtn" : "uqxtn";
            }
            String text = scalar ? name + " " + sreg(d, size) + ", " + sreg(n, size + 1)
                    : name + (q ? "2 " : " ") + vreg(d, size, q) + ", " + vreg(n, size + 1, true);
            return new AdvSimdNarrow(text, d, n, esize, scalar ? 1 : 64 / esize, q && !scalar, 0, false,
                    sat != AdvSimdNarrow.Sat.UNSIGNED && sat != AdvSimdNarrow.Sat.TRUNCATE, sat);
        }
        AdvSimdTwoRegMisc.Op op = switch (opcode << 1 | u) {
            case 3 << 1 -> AdvSimdTwoRegMisc.Op.SUQADD;
            case 3 << 1 | 1 -> AdvSimdTwoRegMisc.Op.USQADD;
            case 4 << 1 -> AdvSimdTwoRegMisc.Op.CLS;
            case 4 << 1 | 1 -> AdvSimdTwoRegMisc.Op.CLZ;
            case 5 << 1 -> size == 0 ? AdvSimdTwoRegMisc.Op.CNT : null;
            case 5 << 1 | 1 -> size == 0 ? AdvSimdTwoRegMisc.Op.NOT : size == 1 ? AdvSimdTwoRegMisc.Op.RBIT : null;
            case 7 << 1 -> AdvSimdTwoRegMisc.Op.SQABS;
            case 7 << 1 | 1 -> AdvSimdTwoRegMisc.Op.SQNEG;
            case 8 << 1 -> AdvSimdTwoRegMisc.Op.CMGT0;
            case 8 << 1 | 1 -> AdvSimdTwoRegMisc.Op.CMGE0;
            case 9 << 1 -> AdvSimdTwoRegMisc.Op.CMEQ0;
            case 9 << 1 | 1 -> AdvSimdTwoRegMisc.Op.CMLE0;
            case 10 << 1 -> AdvSimdTwoRegMisc.Op.CMLT0;
            case 11 << 1 -> AdvSimdTwoRegMisc.Op.ABS;
            case 11 << 1 | 1 -> AdvSimdTwoRegMisc.Op.NEG;
            default -> null;
        };
        if (op == null) {
            return new Undefined(word);
        }
        boolean bytewise = op == AdvSimdTwoRegMisc.Op.CNT || op == AdvSimdTwoRegMisc.Op.NOT
                || op == AdvSimdTwoRegMisc.Op.RBIT;
        if (bytewise) {
            if (scalar) {
                return new Undefined(word);
            }
            esize = 8;
            size = 0;
        }
        boolean saturating = op == AdvSimdTwoRegMisc.Op.SUQADD || op == AdvSimdTwoRegMisc.Op.USQADD
                || op == AdvSimdTwoRegMisc.Op.SQABS || op == AdvSimdTwoRegMisc.Op.SQNEG;
        if (scalar ? !saturating && size != 3 || op == AdvSimdTwoRegMisc.Op.CLS
                || op == AdvSimdTwoRegMisc.Op.CLZ : size == 3 && !q || size == 3 && (op == AdvSimdTwoRegMisc.Op.CLS
                || op == AdvSimdTwoRegMisc.Op.CLZ)) {
            return new Undefined(word);
        }
        String name = switch (op) {
            case CMGT0, CMEQ0, CMLT0, CMGE0, CMLE0 -> op.name().substring(0, 4).toLowerCase();
            case NOT -> "mvn";
            default -> op.name().toLowerCase();
        };
        String zero = name.startsWith("cm") ? ", #0" : "";
        String text = scalar ? name + " " + sreg(d, size) + ", " + sreg(n, size) + zero
                : name + " " + vreg(d, size, q) + ", " + vreg(n, size, q) + zero;
        return new AdvSimdTwoRegMisc(text, op, d, n, esize, scalar ? esize : q ? 128 : 64);
    }

    private static Insn acrossLanes(int word) {
        boolean q = (word & (1 << 30)) != 0;
        int u = (word >>> 29) & 1;
        int size = (word >>> 22) & 3;
        int opcode = (word >>> 12) & 0x1f;
        int d = word & 31;
        int n = (word >>> 5) & 31;
        AdvSimdAcrossLanes.Op op = switch (opcode << 1 | u) {
            case 3 << 1 -> AdvSimdAcrossLanes.Op.SADDLV;
            case 3 << 1 | 1 -> AdvSimdAcrossLanes.Op.UADDLV;
            case 10 << 1 -> AdvSimdAcrossLanes.Op.SMAXV;
            case 10 << 1 | 1 -> AdvSimdAcrossLanes.Op.UMAXV;
            case 26 << 1 -> AdvSimdAcrossLanes.Op.SMINV;
            case 26 << 1 | 1 -> AdvSimdAcrossLanes.Op.UMINV;
            case 27 << 1 -> AdvSimdAcrossLanes.Op.ADDV;
            default -> null;
        };
        if (op == null) {
            return AdvSimdFpDecoder.acrossLanes(word);
        }
        if (size == 3 || size == 2 && !q) {
            return new Undefined(word);
        }
        int rsize = op == AdvSimdAcrossLanes.Op.SADDLV || op == AdvSimdAcrossLanes.Op.UADDLV ? size + 1 : size;
        return new AdvSimdAcrossLanes(op.name().toLowerCase() + " " + sreg(d, rsize) + ", " + vreg(n, size, q), op, d,
                n, 8 << size, q ? 128 : 64);
    }

    private static Insn scalarPairwise(int word) {
        int u = (word >>> 29) & 1;
        int size = (word >>> 22) & 3;
        int opcode = (word >>> 12) & 0x1f;
        int d = word & 31;
        int n = (word >>> 5) & 31;
        if (u == 0 && opcode == 0x1b) {
            if (size != 3) {
                return new Undefined(word);
            }
            return new AdvSimdAcrossLanes("addp d" + d + ", v" + n + ".2d", AdvSimdAcrossLanes.Op.ADDV, d, n, 64,
                    128);
        }
        return AdvSimdFpDecoder.scalarPairwise(word);
    }

    private static Insn shiftImmediate(int word, boolean scalar) {
        boolean q = (word & (1 << 30)) != 0;
        int u = (word >>> 29) & 1;
        int immh = (word >>> 19) & 0xf;
        int immhb = (word >>> 16) & 0x7f;
        int opcode = (word >>> 11) & 0x1f;
        int d = word & 31;
        int n = (word >>> 5) & 31;
        int size = 31 - Integer.numberOfLeadingZeros(immh);
        int esize = 8 << size;
        int right = 2 * esize - immhb;
        int left = immhb - esize;
        if (opcode == 0x1c || opcode == 0x1f) {
            return AdvSimdFpDecoder.shiftImmediate(word, scalar);
        }
        if (opcode >= 0x10 && opcode <= 0x14) {
            if (size == 3) {
                return new Undefined(word);
            }
            if (opcode == 0x14) {
                if (scalar) {
                    return new Undefined(word);
                }
                String name = (u == 1 ? "ushll" : "sshll") + (q ? "2 " : " ");
                return new AdvSimdShiftLong(name + vreg(d, size + 1, true) + ", " + vreg(n, size, q) + ", #" + left, d,
                        n, esize, q, u == 0, left);
            }
            // Shift right narrow: source elements 2*esize, shift 1..esize.
            boolean round = (opcode & 1) != 0;
            AdvSimdNarrow.Sat sat;
            String name;
            boolean signedSource;
            if (opcode <= 0x11) {
                if (u == 0) {
                    if (scalar) {
                        return new Undefined(word);
                    }
                    sat = AdvSimdNarrow.Sat.TRUNCATE;
                    name = round ? "rshrn" : "shrn";
                    signedSource = false;
                } else {
                    sat = AdvSimdNarrow.Sat.SIGNED_TO_UNSIGNED;
                    name = round ? "sqrshrun" : "sqshrun";
                    signedSource = true;
                }
            } else {
                sat = u == 0 ? AdvSimdNarrow.Sat.SIGNED : AdvSimdNarrow.Sat.UNSIGNED;
                name = (u == 0 ? "sq" : "uq") + (round ? "rshrn" : "shrn");
                signedSource = u == 0;
            }
            String text = scalar ? name + " " + sreg(d, size) + ", " + sreg(n, size + 1) + ", #" + right
                    : name + (q ? "2 " : " ") + vreg(d, size, q) + ", " + vreg(n, size + 1, true) + ", #" + right;
            return new AdvSimdNarrow(text, d, n, esize, scalar ? 1 : 64 / esize, q && !scalar, right, round,
                    signedSource, sat);
        }
        AdvSimdShiftImmediate.Op op = switch (opcode << 1 | u) {
            case 0 -> AdvSimdShiftImmediate.Op.SSHR;
            case 1 -> AdvSimdShiftImmediate.Op.USHR;
            case 2 << 1 -> AdvSimdShiftImmediate.Op.SSRA;
            case 2 << 1 | 1 -> AdvSimdShiftImmediate.Op.USRA;
            case 4 << 1 -> AdvSimdShiftImmediate.Op.SRSHR;
            case 4 << 1 | 1 -> AdvSimdShiftImmediate.Op.URSHR;
            case 6 << 1 -> AdvSimdShiftImmediate.Op.SRSRA;
            case 6 << 1 | 1 -> AdvSimdShiftImmediate.Op.URSRA;
            case 8 << 1 | 1 -> AdvSimdShiftImmediate.Op.SRI;
            case 10 << 1 -> AdvSimdShiftImmediate.Op.SHL;
            case 10 << 1 | 1 -> AdvSimdShiftImmediate.Op.SLI;
            case 12 << 1 | 1 -> AdvSimdShiftImmediate.Op.SQSHLU;
            case 14 << 1 -> AdvSimdShiftImmediate.Op.SQSHL;
            case 14 << 1 | 1 -> AdvSimdShiftImmediate.Op.UQSHL;
            default -> null;
        };
        if (op == null) {
            return new Undefined(word);
        }
        boolean saturating = op == AdvSimdShiftImmediate.Op.SQSHLU || op == AdvSimdShiftImmediate.Op.SQSHL
                || op == AdvSimdShiftImmediate.Op.UQSHL;
        if (scalar ? !saturating && size != 3 : size == 3 && !q) {
            return new Undefined(word);
        }
        boolean isLeft = op == AdvSimdShiftImmediate.Op.SHL || op == AdvSimdShiftImmediate.Op.SLI || saturating;
        int shift = isLeft ? left : right;
        String name = op.name().toLowerCase();
        String text = scalar ? name + " " + sreg(d, size) + ", " + sreg(n, size) + ", #" + shift
                : name + " " + vreg(d, size, q) + ", " + vreg(n, size, q) + ", #" + shift;
        return new AdvSimdShiftImmediate(text, op, d, n, esize, scalar ? esize : q ? 128 : 64, shift);
    }

    private static Insn threeDifferent(int word, CpuModel model) {
        boolean q = (word & (1 << 30)) != 0;
        int u = (word >>> 29) & 1;
        int size = (word >>> 22) & 3;
        int opcode = (word >>> 12) & 0xf;
        int d = word & 31;
        int n = (word >>> 5) & 31;
        int m = (word >>> 16) & 31;
        String two = q ? "2 " : " ";
        if (opcode == 0xe) {
            if (u == 1) {
                return new Undefined(word);
            }
            if (size == 3) {
                return CryptoDecoder.pmull64(word, model);
            }
            if (size != 0) {
                return new Undefined(word);
            }
            return new AdvSimdThreeDifferent("pmull" + two + vreg(d, 1, true) + ", " + vreg(n, 0, q) + ", "
                    + vreg(m, 0, q), AdvSimdThreeDifferent.Op.PMULL, false, false, d, n, m, 8, q, -1);
        }
        if (size == 3 || opcode == 0xf) {
            return new Undefined(word);
        }
        String p = u == 1 ? "u" : "s";
        AdvSimdThreeDifferent.Op op;
        String name;
        boolean round = false;
        switch (opcode) {
            case 0 -> { op = AdvSimdThreeDifferent.Op.ADDL; name = p + "addl"; }
            case 1 -> { op = AdvSimdThreeDifferent.Op.ADDW; name = p + "addw"; }
            case 2 -> { op = AdvSimdThreeDifferent.Op.SUBL; name = p + "subl"; }
            case 3 -> { op = AdvSimdThreeDifferent.Op.SUBW; name = p + "subw"; }
            case 4 -> { op = AdvSimdThreeDifferent.Op.ADDHN; name = u == 1 ? "raddhn" : "addhn"; round = u == 1; }
            case 5 -> { op = AdvSimdThreeDifferent.Op.ABAL; name = p + "abal"; }
            case 6 -> { op = AdvSimdThreeDifferent.Op.SUBHN; name = u == 1 ? "rsubhn" : "subhn"; round = u == 1; }
            case 7 -> { op = AdvSimdThreeDifferent.Op.ABDL; name = p + "abdl"; }
            case 8 -> { op = AdvSimdThreeDifferent.Op.MLAL; name = p + "mlal"; }
            case 10 -> { op = AdvSimdThreeDifferent.Op.MLSL; name = p + "mlsl"; }
            case 12 -> { op = AdvSimdThreeDifferent.Op.MULL; name = p + "mull"; }
            default -> {
                if (u == 1 || size == 0) {
                    return new Undefined(word);
                }
                op = opcode == 9 ? AdvSimdThreeDifferent.Op.SQDMLAL : opcode == 11 ? AdvSimdThreeDifferent.Op.SQDMLSL
                        : AdvSimdThreeDifferent.Op.SQDMULL;
                name = op.name().toLowerCase();
            }
        }
        boolean narrow = op == AdvSimdThreeDifferent.Op.ADDHN || op == AdvSimdThreeDifferent.Op.SUBHN;
        boolean wideN = op == AdvSimdThreeDifferent.Op.ADDW || op == AdvSimdThreeDifferent.Op.SUBW;
        String text = narrow
                ? name + two + vreg(d, size, q) + ", " + vreg(n, size + 1, true) + ", " + vreg(m, size + 1, true)
                : name + two + vreg(d, size + 1, true) + ", " + (wideN ? vreg(n, size + 1, true) : vreg(n, size, q))
                        + ", " + vreg(m, size, q);
        return new AdvSimdThreeDifferent(text, op, u == 0, round, d, n, m, 8 << size, q, -1);
    }

    /** SQDMLAL, SQDMLSL, SQDMULL (scalar). */
    private static Insn scalarThreeDifferent(int word) {
        int u = (word >>> 29) & 1;
        int size = (word >>> 22) & 3;
        int opcode = (word >>> 12) & 0xf;
        if (u == 1 || (size != 1 && size != 2) || (opcode != 9 && opcode != 11 && opcode != 13)) {
            return new Undefined(word);
        }
        int d = word & 31;
        int n = (word >>> 5) & 31;
        int m = (word >>> 16) & 31;
        AdvSimdThreeDifferent.Op op = opcode == 9 ? AdvSimdThreeDifferent.Op.SQDMLAL
                : opcode == 11 ? AdvSimdThreeDifferent.Op.SQDMLSL : AdvSimdThreeDifferent.Op.SQDMULL;
        return new AdvSimdThreeDifferent(op.name().toLowerCase() + " " + sreg(d, size + 1) + ", " + sreg(n, size) + ", "
                + sreg(m, size), op, true, false, d, n, m, 8 << size, false, -1, 1);
    }

    /** Vector by element: integer MUL, MLA, MLS, long multiplies, SQDMULH, SQRDMULH; null for FP opcodes. */
    private static Insn indexed(int word) {
        boolean q = (word & (1 << 30)) != 0;
        int u = (word >>> 29) & 1;
        int size = (word >>> 22) & 3;
        int opcode = (word >>> 12) & 0xf;
        int d = word & 31;
        int n = (word >>> 5) & 31;
        if (opcode == 1 || opcode == 5 || opcode == 9) {
            return null;
        }
        if (size != 1 && size != 2) {
            return new Undefined(word);
        }
        int h = (word >>> 11) & 1;
        int l = (word >>> 21) & 1;
        int mbit = (word >>> 20) & 1;
        int m = size == 1 ? (word >>> 16) & 15 : (word >>> 16) & 31;
        int index = size == 1 ? h << 2 | l << 1 | mbit : h << 1 | l;
        int esize = 8 << size;
        String el = "v" + m + "." + SCALAR[size] + "[" + index + "]";
        String two = q ? "2 " : " ";
        Op same = switch (opcode << 1 | u) {
            case 0 << 1 | 1 -> Op.MLA;
            case 4 << 1 | 1 -> Op.MLS;
            case 8 << 1 -> Op.MUL;
            case 12 << 1 -> Op.SQDMULH;
            case 13 << 1 -> Op.SQRDMULH;
            default -> null;
        };
        if (same != null) {
            return new AdvSimdThreeSame(same.name().toLowerCase() + " " + vreg(d, size, q) + ", " + vreg(n, size, q)
                    + ", " + el, same, d, n, m, esize, q ? 128 : 64, false, index);
        }
        AdvSimdThreeDifferent.Op op = switch (opcode) {
            case 2 -> AdvSimdThreeDifferent.Op.MLAL;
            case 6 -> AdvSimdThreeDifferent.Op.MLSL;
            case 10 -> AdvSimdThreeDifferent.Op.MULL;
            case 3 -> u == 0 ? AdvSimdThreeDifferent.Op.SQDMLAL : null;
            case 7 -> u == 0 ? AdvSimdThreeDifferent.Op.SQDMLSL : null;
            case 11 -> u == 0 ? AdvSimdThreeDifferent.Op.SQDMULL : null;
            default -> null;
        };
        if (op == null) {
            return new Undefined(word);
        }
        boolean sq = op.name().startsWith("SQ");
        String name = sq ? op.name().toLowerCase() : (u == 1 ? "u" : "s") + op.name().toLowerCase();
        return new AdvSimdThreeDifferent(name + two + vreg(d, size + 1, true) + ", " + vreg(n, size, q) + ", " + el, op,
                u == 0, false, d, n, m, esize, q, index);
    }

    /** Scalar by element: SQDMULH, SQRDMULH, SQDMULL, SQDMLAL, SQDMLSL; null for FP opcodes. */
    private static Insn scalarIndexed(int word) {
        int u = (word >>> 29) & 1;
        int size = (word >>> 22) & 3;
        int opcode = (word >>> 12) & 0xf;
        if (opcode == 1 || opcode == 5 || opcode == 9) {
            return null;
        }
        boolean high = opcode == 12 || opcode == 13;
        boolean wide = opcode == 3 || opcode == 7 || opcode == 11;
        if (u == 1 || (size != 1 && size != 2) || !high && !wide) {
            return new Undefined(word);
        }
        int d = word & 31;
        int n = (word >>> 5) & 31;
        int h = (word >>> 11) & 1;
        int l = (word >>> 21) & 1;
        int mbit = (word >>> 20) & 1;
        int m = size == 1 ? (word >>> 16) & 15 : (word >>> 16) & 31;
        int index = size == 1 ? h << 2 | l << 1 | mbit : h << 1 | l;
        int esize = 8 << size;
        String el = ", v" + m + "." + SCALAR[size] + "[" + index + "]";
        if (wide) {
            AdvSimdThreeDifferent.Op op = opcode == 3 ? AdvSimdThreeDifferent.Op.SQDMLAL
                    : opcode == 7 ? AdvSimdThreeDifferent.Op.SQDMLSL : AdvSimdThreeDifferent.Op.SQDMULL;
            return new AdvSimdThreeDifferent(op.name().toLowerCase() + " " + sreg(d, size + 1) + ", " + sreg(n, size)
                    + el, op, true, false, d, n, m, esize, false, index, 1);
        }
        Op op = opcode == 12 ? Op.SQDMULH : Op.SQRDMULH;
        return new AdvSimdThreeSame(op.name().toLowerCase() + " " + sreg(d, size) + ", " + sreg(n, size) + el, op, d,
                n, m, esize, esize, false, index);
    }

    private static Insn permute(int word) {
        boolean q = (word & (1 << 30)) != 0;
        int size = (word >>> 22) & 3;
        int opcode = (word >>> 12) & 7;
        int d = word & 31;
        int n = (word >>> 5) & 31;
        int m = (word >>> 16) & 31;
        if (opcode == 0 || opcode == 4 || size == 3 && !q) {
            return new Undefined(word);
        }
        AdvSimdPermute.Op op = AdvSimdPermute.Op.values()[(opcode & 3) - 1];
        int part = opcode >>> 2;
        return new AdvSimdPermute(op.name().toLowerCase() + (part + 1) + " " + vreg(d, size, q) + ", "
                + vreg(n, size, q) + ", " + vreg(m, size, q), op, part, d, n, m, 8 << size, q ? 128 : 64);
    }

    private static Insn extract(int word) {
        boolean q = (word & (1 << 30)) != 0;
        int imm4 = (word >>> 11) & 0xf;
        int d = word & 31;
        int n = (word >>> 5) & 31;
        int m = (word >>> 16) & 31;
        if (!q && imm4 >= 8) {
            return new Undefined(word);
        }
        return new AdvSimdExtract("ext " + vreg(d, 0, q) + ", " + vreg(n, 0, q) + ", " + vreg(m, 0, q) + ", #" + imm4,
                d, n, m, imm4, q);
    }

    private static Insn tableLookup(int word) {
        boolean q = (word & (1 << 30)) != 0;
        int len = (word >>> 13) & 3;
        boolean tbx = (word & (1 << 12)) != 0;
        int d = word & 31;
        int n = (word >>> 5) & 31;
        int m = (word >>> 16) & 31;
        StringBuilder list = new StringBuilder("{");
        for (int i = 0; i <= len; i++) {
            list.append(i == 0 ? "" : ", ").append("v").append((n + i) & 31).append(".16b");
        }
        return new AdvSimdTableLookup((tbx ? "tbx " : "tbl ") + vreg(d, 0, q) + ", " + list + "}, " + vreg(m, 0, q), d,
                n, m, len + 1, tbx, q);
    }
}
