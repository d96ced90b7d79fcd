package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.DataProcessingInsn;
import dev.armature.arch.aarch64.Insn;

/** EXTR (and ROR immediate): bits lsb.. of the concatenation Rn:Rm. */
public abstract class Extract extends DataProcessingInsn {
    protected final int lsb;

    private Extract(int rd, int rn, int rm, int lsb) {
        super(rd, rn, rm, Cpu.XZR);
        this.lsb = lsb;
    }

    public static Insn create(boolean sf, int rd, int rn, int rm, int lsb) {
        return sf ? new Extr64(rd, rn, rm, lsb) : new Extr32(rd, rn, rm, lsb);
    }

    @Override
    public String toString() {
        boolean sf = this instanceof Extr64;
        return "extr " + Reg.name(rd, sf) + ", " + Reg.name(rn, sf) + ", " + Reg.name(rm, sf) + ", #" + lsb;
    }

    static final class Extr64 extends Extract {
        Extr64(int rd, int rn, int rm, int lsb) {
            super(rd, rn, rm, lsb);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], r[rm], r[ra]);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            // Shifting Rn left in two steps makes lsb = 0 shift it out entirely (a single << 64 would not).
            return (m >>> lsb) | ((n << 1) << (63 - lsb));
        }
    }

    static final class Extr32 extends Extract {
        Extr32(int rd, int rn, int rm, int lsb) {
            super(rd, rn, rm, lsb);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], r[rm], 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            int v = ((int) m >>> lsb) | (((int) n << 1) << (31 - lsb));
            return v & 0xffff_ffffL;
        }
    }
}
