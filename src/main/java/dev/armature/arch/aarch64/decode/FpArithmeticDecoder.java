package dev.armature.arch.aarch64.decode;

import dev.armature.arch.aarch64.Condition;
import dev.armature.arch.aarch64.Insn;
import dev.armature.arch.aarch64.Undefined;
import dev.armature.arch.aarch64.fp.FpCore;
import dev.armature.arch.aarch64.insn.FpDataProcessing;
import dev.armature.arch.aarch64.insn.FpMove;

/** Decodes scalar FP arithmetic, compare and select (single and double precision; half is FEAT_FP16). */
final class FpArithmeticDecoder {
    private static final FpDataProcessing.Op1[] ROUND_OPS = {FpDataProcessing.Op1.FRINTN,
        FpDataProcessing.Op1.FRINTP, FpDataProcessing.Op1.FRINTM, FpDataProcessing.Op1.FRINTZ,
        FpDataProcessing.Op1.FRINTA, null, FpDataProcessing.Op1.FRINTX, FpDataProcessing.Op1.FRINTI};

    private FpArithmeticDecoder() {
    }

    /** The format of ptype 00 (single) and 01 (double); -1 otherwise. */
    static int format(int ptype) {
        return ptype == 0 ? FpCore.S : ptype == 1 ? FpCore.D : -1;
    }

    static String reg(int fmt, int r) {
        return (fmt == FpCore.H ? "h" : fmt == FpCore.S ? "s" : "d") + r;
    }

    static Insn oneSource(int word, int ptype) {
        int opcode = (word >>> 15) & 0x3f;
        int d = word & 31;
        int n = (word >>> 5) & 31;
        if (word < 0) {
            return new Undefined(word);
        }
        if ((opcode & 0x3c) == 4) {
            int from = ptype == 0 ? FpCore.S : ptype == 1 ? FpCore.D : ptype == 3 ? FpCore.H : -1;
            int opc = opcode & 3;
            int to = opc == 0 ? FpCore.S : opc == 1 ? FpCore.D : opc == 3 ? FpCore.H : -1;
            if (from < 0 || to < 0 || from == to) {
                return new Undefined(word);
            }
            return new FpDataProcessing.Convert("fcvt " + reg(to, d) + ", " + reg(from, n), from, to, d, n);
        }
        int fmt = format(ptype);
        if (fmt < 0) {
            return new Undefined(word);
        }
        String operands = " " + reg(fmt, d) + ", " + reg(fmt, n);
        if (opcode == 0) {
            return new FpMove.Scalar("fmov" + operands, d, n, FpDataProcessing.mask(fmt));
        }
        FpDataProcessing.Op1 op;
        if (opcode <= 3) {
            op = FpDataProcessing.Op1.values()[opcode - 1];
        } else if (opcode >= 8 && opcode <= 15) {
            op = ROUND_OPS[opcode - 8];
        } else {
            op = null;
        }
        if (op == null) {
            return new Undefined(word);
        }
        return new FpDataProcessing.OneSource(op.name().toLowerCase() + operands, op, fmt, d, n);
    }

    static Insn twoSource(int word, int ptype) {
        int fmt = format(ptype);
        int opcode = (word >>> 12) & 0xf;
        if (word < 0 || fmt < 0 || opcode > 8) {
            return new Undefined(word);
        }
        int d = word & 31;
        int n = (word >>> 5) & 31;
        int m = (word >>> 16) & 31;
        FpDataProcessing.Op2 op = FpDataProcessing.Op2.values()[opcode];
        return new FpDataProcessing.TwoSource(op.name().toLowerCase() + " " + reg(fmt, d) + ", " + reg(fmt, n) + ", "
                + reg(fmt, m), op, fmt, d, n, m);
    }

    static Insn threeSource(int word, int ptype) {
        int fmt = format(ptype);
        if (word < 0 || fmt < 0) {
            return new Undefined(word);
        }
        boolean o1 = (word & (1 << 21)) != 0;
        boolean o0 = (word & (1 << 15)) != 0;
        int d = word & 31;
        int n = (word >>> 5) & 31;
        int a = (word >>> 10) & 31;
        int m = (word >>> 16) & 31;
        String name = o1 ? (o0 ? "fnmsub" : "fnmadd") : o0 ? "fmsub" : "fmadd";
        return new FpDataProcessing.ThreeSource(name + " " + reg(fmt, d) + ", " + reg(fmt, n) + ", " + reg(fmt, m)
                + ", " + reg(fmt, a), fmt, d, n, m, a, o1, o1 != o0);
    }

    static Insn compare(int word, int ptype) {
        int fmt = format(ptype);
        int opcode2 = word & 31;
        if (word < 0 || fmt < 0 || ((word >>> 14) & 3) != 0 || (opcode2 & 7) != 0) {
            return new Undefined(word);
        }
        int n = (word >>> 5) & 31;
        int m = (word >>> 16) & 31;
        boolean zero = (opcode2 & 8) != 0;
        boolean signalling = (opcode2 & 16) != 0;
        return new FpDataProcessing.Compare((signalling ? "fcmpe " : "fcmp ") + reg(fmt, n) + ", "
                + (zero ? "#0.0" : reg(fmt, m)), fmt, n, zero ? -1 : m, signalling);
    }

    static Insn conditionalCompare(int word, int ptype) {
        int fmt = format(ptype);
        if (word < 0 || fmt < 0) {
            return new Undefined(word);
        }
        int n = (word >>> 5) & 31;
        int m = (word >>> 16) & 31;
        int cond = (word >>> 12) & 15;
        int nzcv = word & 15;
        boolean signalling = (word & 16) != 0;
        return new FpDataProcessing.ConditionalCompare((signalling ? "fccmpe " : "fccmp ") + reg(fmt, n) + ", "
                + reg(fmt, m) + ", #" + nzcv + ", " + Condition.of(cond).mnemonic(), fmt, n, m, signalling, cond, nzcv);
    }

    static Insn conditionalSelect(int word, int ptype) {
        int fmt = format(ptype);
        if (word < 0 || fmt < 0) {
            return new Undefined(word);
        }
        int d = word & 31;
        int n = (word >>> 5) & 31;
        int m = (word >>> 16) & 31;
        int cond = (word >>> 12) & 15;
        return new FpDataProcessing.ConditionalSelect("fcsel " + reg(fmt, d) + ", " + reg(fmt, n) + ", " + reg(fmt, m)
                + ", " + Condition.of(cond).mnemonic(), fmt, d, n, m, cond);
    }
}
