package dev.armature.arch.aarch64.decode;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.Insn;
import dev.armature.arch.aarch64.Undefined;
import dev.armature.arch.aarch64.insn.FpMove;

/**
 * Decodes scalar floating point (op0 = x0x1): data processing with 1, 2 and 3 sources, compare, conditional
 * compare and select, immediate, and conversions to and from integers. Half precision arithmetic
 * (FEAT_FP16) is UNDEFINED; FCVT to and from half precision is ARMv8.0 and implemented.
 */
final class FpDecoder {
    private FpDecoder() {
    }

    static Insn decode(int word, CpuModel model) {
        if ((word & (1 << 29)) != 0) {
            return new Undefined(word);
        }
        int ptype = (word >>> 22) & 3;
        if ((word & (1 << 24)) != 0) {
            return FpArithmeticDecoder.threeSource(word, ptype);
        }
        if ((word & (1 << 21)) == 0) {
            return FpConvertDecoder.fixedPoint(word, ptype);
        }
        int op3 = (word >>> 10) & 0x3f;
        if (op3 == 0) {
            return move(word, ptype);
        }
        if ((op3 & 0x1f) == 0x10) {
            return FpArithmeticDecoder.oneSource(word, ptype);
        }
        if ((op3 & 0xf) == 0x8) {
            return FpArithmeticDecoder.compare(word, ptype);
        }
        if ((op3 & 0x7) == 0x4) {
            return immediate(word, ptype);
        }
        return switch (op3 & 3) {
            case 1 -> FpArithmeticDecoder.conditionalCompare(word, ptype);
            case 2 -> FpArithmeticDecoder.twoSource(word, ptype);
            case 3 -> FpArithmeticDecoder.conditionalSelect(word, ptype);
            default -> new Undefined(word);
        };
    }

    /** FMOV between general and SIMD&amp;FP registers (rmode:opcode = 00:11x or 01:11x). */
    private static Insn move(int word, int ptype) {
        boolean sf = word < 0;
        int rmode = (word >>> 19) & 3;
        int opcode = (word >>> 16) & 7;
        int d = word & 31;
        int n = (word >>> 5) & 31;
        if (opcode < 6 || rmode > 1) {
            return FpConvertDecoder.integer(word, ptype);
        }
        boolean toGeneral = opcode == 6;
        if (rmode == 1) {
            if (!sf || ptype != 2) {
                return new Undefined(word);
            }
            return toGeneral
                    ? new FpMove.ToGeneral("fmov x" + d + ", v" + n + ".d[1]", RegisterOperands.zrDest(word, 0), n, 1, -1L)
                    : new FpMove.FromGeneral("fmov v" + d + ".d[1], x" + n, d, RegisterOperands.zr(word, 5), true, -1L);
        }
        if (sf ? ptype != 1 : ptype != 0) {
            return new Undefined(word); // half precision FMOV is FEAT_FP16
        }
        long mask = sf ? -1L : 0xffff_ffffL;
        String r = sf ? "x" : "w";
        String f = sf ? "d" : "s";
        return toGeneral
                ? new FpMove.ToGeneral("fmov " + r + d + ", " + f + n, RegisterOperands.zrDest(word, 0), n, 0, mask)
                : new FpMove.FromGeneral("fmov " + f + d + ", " + r + n, d, RegisterOperands.zr(word, 5), false, mask);
    }

    private static Insn immediate(int word, int ptype) {
        if (((word >>> 5) & 0x1f) != 0 || ptype > 1 || word < 0) {
            return new Undefined(word);
        }
        int imm8 = (word >>> 13) & 0xff;
        int d = word & 31;
        int size = ptype == 0 ? 32 : 64;
        return new FpMove.Scalar("fmov " + (ptype == 0 ? "s" : "d") + d + ", #0x" + Integer.toHexString(imm8), d, -1,
                AdvSimdFpDecoder.expandFpImm(imm8, size));
    }
}
