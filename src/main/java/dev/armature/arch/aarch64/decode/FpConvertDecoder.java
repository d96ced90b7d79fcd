package dev.armature.arch.aarch64.decode;

import dev.armature.arch.aarch64.Insn;
import dev.armature.arch.aarch64.Undefined;
import dev.armature.arch.aarch64.fp.FpCore;
import dev.armature.arch.aarch64.insn.FpConvertInteger;

/** Decodes conversions between floating point and integer or fixed point (single and double precision). */
final class FpConvertDecoder {
    private static final String[] RMODE_NAMES = {"n", "p", "m", "z"};

    private FpConvertDecoder() {
    }

    /** FCVT*, SCVTF, UCVTF with integers (FMOV is decoded before). */
    static Insn integer(int word, int ptype) {
        int fmt = FpArithmeticDecoder.format(ptype);
        int rmode = (word >>> 19) & 3;
        int opcode = (word >>> 16) & 7;
        if (fmt < 0 || opcode >= 6 || opcode >= 2 && rmode != 0) {
            return new Undefined(word);
        }
        boolean sf = word < 0;
        int size = sf ? 64 : 32;
        String r = sf ? "x" : "w";
        int d = word & 31;
        int n = (word >>> 5) & 31;
        boolean unsigned = (opcode & 1) != 0;
        if (opcode == 2 || opcode == 3) {
            return new FpConvertInteger.FromInteger((unsigned ? "ucvtf " : "scvtf ") + FpArithmeticDecoder.reg(fmt, d)
                    + ", " + r + n, d, RegisterOperands.zr(word, 5), fmt, unsigned, size, 0);
        }
        int mode = opcode >= 4 ? FpCore.RA : rmode;
        String name = "fcvt" + (opcode >= 4 ? "a" : RMODE_NAMES[rmode]) + (unsigned ? "u " : "s ");
        return new FpConvertInteger.ToInteger(name + r + d + ", " + FpArithmeticDecoder.reg(fmt, n),
                RegisterOperands.zrDest(word, 0), n, fmt, mode, unsigned, size, 0);
    }

    /** SCVTF, UCVTF, FCVTZS, FCVTZU with fixed point (#fbits). */
    static Insn fixedPoint(int word, int ptype) {
        int fmt = FpArithmeticDecoder.format(ptype);
        int rmode = (word >>> 19) & 3;
        int opcode = (word >>> 16) & 7;
        int scale = (word >>> 10) & 0x3f;
        boolean sf = word < 0;
        if (fmt < 0 || !sf && scale < 32) {
            return new Undefined(word);
        }
        int fbits = 64 - scale;
        int size = sf ? 64 : 32;
        String r = sf ? "x" : "w";
        int d = word & 31;
        int n = (word >>> 5) & 31;
        if (rmode == 0 && (opcode == 2 || opcode == 3)) {
            boolean unsigned = opcode == 3;
            return new FpConvertInteger.FromInteger((unsigned ? "ucvtf " : "scvtf ") + FpArithmeticDecoder.reg(fmt, d)
                    + ", " + r + n + ", #" + fbits, d, RegisterOperands.zr(word, 5), fmt, unsigned, size, fbits);
        }
        if (rmode == 3 && opcode <= 1) {
            boolean unsigned = opcode == 1;
            return new FpConvertInteger.ToInteger((unsigned ? "fcvtzu " : "fcvtzs ") + r + d + ", "
                    + FpArithmeticDecoder.reg(fmt, n) + ", #" + fbits, RegisterOperands.zrDest(word, 0), n, fmt,
                    FpCore.RZ, unsigned, size, fbits);
        }
        return new Undefined(word);
    }
}
