package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.DataProcessingInsn;
import dev.armature.arch.aarch64.Insn;

/**
 * Data-processing (3 source): MADD, MSUB, SMADDL, SMSUBL, UMADDL, UMSUBL, SMULH, UMULH. The subtracting forms
 * negate the product as (p XOR ~0) + 1, so each form is one expression.
 */
public abstract class DataProcessing3Source extends DataProcessingInsn {
    /** All ones for the subtracting forms, else 0. */
    protected final long invert;
    protected final int negate;
    private final String mnemonic;

    private DataProcessing3Source(String mnemonic, boolean sub, int rd, int rn, int rm, int ra) {
        super(rd, rn, rm, ra);
        this.mnemonic = mnemonic;
        this.invert = sub ? -1L : 0;
        this.negate = sub ? 1 : 0;
    }

    public static Insn multiplyAdd(boolean sf, boolean sub, int rd, int rn, int rm, int ra) {
        return sf ? new MulAdd64(sub, rd, rn, rm, ra) : new MulAdd32(sub, rd, rn, rm, ra);
    }

    /** SMADDL/SMSUBL (signed) or UMADDL/UMSUBL: Xd = Xa +/- Wn * Wm as 64-bit. */
    public static Insn multiplyAddLong(boolean signed, boolean sub, int rd, int rn, int rm, int ra) {
        return signed ? new SignedMulAddLong(sub, rd, rn, rm, ra) : new UnsignedMulAddLong(sub, rd, rn, rm, ra);
    }

    /** SMULH (signed) or UMULH: the high 64 bits of the 128-bit product. */
    public static Insn multiplyHigh(boolean signed, int rd, int rn, int rm) {
        return signed ? new Smulh(rd, rn, rm) : new Umulh(rd, rn, rm);
    }

    @Override
    public String toString() {
        boolean longForm = this instanceof SignedMulAddLong || this instanceof UnsignedMulAddLong;
        boolean sf = !(this instanceof MulAdd32);
        String s = mnemonic + " " + Reg.name(rd, sf) + ", " + Reg.name(rn, sf && !longForm) + ", "
                + Reg.name(rm, sf && !longForm);
        return this instanceof Smulh || this instanceof Umulh ? s : s + ", " + Reg.name(ra, sf);
    }

    static final class MulAdd64 extends DataProcessing3Source {
        MulAdd64(boolean sub, int rd, int rn, int rm, int ra) {
            super(sub ? "msub" : "madd", sub, rd, rn, rm, ra);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], r[rm], r[ra]);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return a + ((n * m) ^ invert) + negate;
        }
    }

    static final class MulAdd32 extends DataProcessing3Source {
        MulAdd32(boolean sub, int rd, int rn, int rm, int ra) {
            super(sub ? "msub" : "madd", sub, rd, rn, rm, ra);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], r[rm], r[ra]);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return (a + ((n * m) ^ invert) + negate) & 0xffff_ffffL;
        }
    }

    static final class SignedMulAddLong extends DataProcessing3Source {
        SignedMulAddLong(boolean sub, int rd, int rn, int rm, int ra) {
            super(sub ? "smsubl" : "smaddl", sub, rd, rn, rm, ra);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], r[rm], r[ra]);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            long p = (long) (int) n * (int) m;
            return a + (p ^ invert) + negate;
        }
    }

    static final class UnsignedMulAddLong extends DataProcessing3Source {
        UnsignedMulAddLong(boolean sub, int rd, int rn, int rm, int ra) {
            super(sub ? "umsubl" : "umaddl", sub, rd, rn, rm, ra);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], r[rm], r[ra]);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            long p = (n & 0xffff_ffffL) * (m & 0xffff_ffffL);
            return a + (p ^ invert) + negate;
        }
    }

    static final class Smulh extends DataProcessing3Source {
        Smulh(int rd, int rn, int rm) {
            super("smulh", false, rd, rn, rm, 0);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], r[rm], 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return Math.multiplyHigh(n, m);
        }
    }

    static final class Umulh extends DataProcessing3Source {
        Umulh(int rd, int rn, int rm) {
            super("umulh", false, rd, rn, rm, 0);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], r[rm], 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return Math.unsignedMultiplyHigh(n, m);
        }
    }
}
