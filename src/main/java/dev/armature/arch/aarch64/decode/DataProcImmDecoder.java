package dev.armature.arch.aarch64.decode;

import static dev.armature.arch.aarch64.decode.RegisterOperands.sp;
import static dev.armature.arch.aarch64.decode.RegisterOperands.zr;
import static dev.armature.arch.aarch64.decode.RegisterOperands.zrDest;

import dev.armature.arch.aarch64.Bits;
import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.Insn;
import dev.armature.arch.aarch64.Undefined;
import dev.armature.arch.aarch64.insn.AddSubImmediate;
import dev.armature.arch.aarch64.insn.Bitfield;
import dev.armature.arch.aarch64.insn.Extract;
import dev.armature.arch.aarch64.insn.LogicalImmediate;
import dev.armature.arch.aarch64.insn.MoveWideImmediate;
import dev.armature.arch.aarch64.insn.PcRelAddressing;

/** Decodes data processing with immediates (op0 = 100x): ARMv8.0-A classes selected by bits[25:23]. */
public final class DataProcImmDecoder {
    private static final LogicalImmediate.Op[] LOGICAL_OPS = LogicalImmediate.Op.values();
    private static final Bitfield.Op[] BITFIELD_OPS = Bitfield.Op.values();

    private DataProcImmDecoder() {
    }

    public static Insn decode(int word, CpuModel model) {
        return switch ((word >>> 23) & 7) {
            case 0, 1 -> pcRel(word);
            case 2, 3 -> addSub(word);
            case 4 -> logical(word);
            case 5 -> moveWide(word);
            case 6 -> bitfield(word);
            default -> extract(word);
        };
    }

    private static Insn pcRel(int word) {
        long imm = Bits.signExtend(((word >>> 5) & 0x7ffff) << 2 | ((word >>> 29) & 3), 21);
        boolean page = word < 0;
        return PcRelAddressing.create(page, zrDest(word, 0), page ? imm << 12 : imm);
    }

    private static Insn addSub(int word) {
        int shift = (word >>> 22) & 3;
        if (shift > 1) {
            return new Undefined(word); // shift 1x reserved (bit 23 selects MTE tag forms in later versions)
        }
        boolean sf = word < 0;
        boolean sub = (word & (1 << 30)) != 0;
        boolean setFlags = (word & (1 << 29)) != 0;
        long imm = (long) ((word >>> 10) & 0xfff) << (12 * shift);
        int rd = setFlags ? zrDest(word, 0) : sp(word, 0);
        return AddSubImmediate.create(sf, sub, setFlags, rd, sp(word, 5), imm);
    }

    private static Insn logical(int word) {
        boolean sf = word < 0;
        int n = (word >>> 22) & 1;
        if (!sf && n == 1) {
            return new Undefined(word);
        }
        long[] masks = Bits.decodeBitMasks(n, (word >>> 10) & 0x3f, (word >>> 16) & 0x3f, true, sf ? 64 : 32);
        if (masks == null) {
            return new Undefined(word);
        }
        LogicalImmediate.Op op = LOGICAL_OPS[(word >>> 29) & 3];
        int rd = op == LogicalImmediate.Op.ANDS ? zrDest(word, 0) : sp(word, 0);
        return LogicalImmediate.create(op, sf, rd, zr(word, 5), masks[0]);
    }

    private static Insn moveWide(int word) {
        boolean sf = word < 0;
        int opc = (word >>> 29) & 3;
        int hw = (word >>> 21) & 3;
        if (opc == 1 || (!sf && hw >= 2)) {
            return new Undefined(word);
        }
        int imm16 = (word >>> 5) & 0xffff;
        int rd = zrDest(word, 0);
        if (opc == 3) {
            // MOVK to register 31 reads and writes the sink, which nothing else reads: the result is discarded.
            return MoveWideImmediate.keep(sf, rd, imm16, hw * 16);
        }
        return MoveWideImmediate.constant(sf, opc == 0, rd, imm16, hw * 16);
    }

    private static Insn bitfield(int word) {
        boolean sf = word < 0;
        int opc = (word >>> 29) & 3;
        int n = (word >>> 22) & 1;
        int immr = (word >>> 16) & 0x3f;
        int imms = (word >>> 10) & 0x3f;
        if (opc == 3 || n != (sf ? 1 : 0) || (!sf && (immr >= 32 || imms >= 32))) {
            return new Undefined(word);
        }
        long[] masks = Bits.decodeBitMasks(n, imms, immr, false, sf ? 64 : 32);
        if (masks == null) {
            return new Undefined(word);
        }
        return Bitfield.create(BITFIELD_OPS[opc], sf, zrDest(word, 0), zr(word, 5), immr, imms, masks[0],
                masks[1]);
    }

    private static Insn extract(int word) {
        boolean sf = word < 0;
        int op21 = (word >>> 29) & 3;
        int n = (word >>> 22) & 1;
        int o0 = (word >>> 21) & 1;
        int imms = (word >>> 10) & 0x3f;
        if (op21 != 0 || o0 != 0 || n != (sf ? 1 : 0) || (!sf && imms >= 32)) {
            return new Undefined(word);
        }
        return Extract.create(sf, zrDest(word, 0), zr(word, 5), zr(word, 16), imms);
    }
}
