package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.Insn;

/** EXTR (and ROR immediate): bits lsb.. of the concatenation Rn:Rm. */
public abstract class Extract extends Insn {
    protected final int rd;
    protected final int rn;
    protected final int rm;
    protected final int lsb;

    private Extract(int rd, int rn, int rm, int lsb) {
        this.rd = rd;
        this.rn = rn;
        this.rm = rm;
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
            // Shifting Rn left in two steps makes lsb = 0 shift it out entirely (a single << 64 would not).
            r[rd] = (r[rm] >>> lsb) | ((r[rn] << 1) << (63 - lsb));
        }
    }

    static final class Extr32 extends Extract {
        Extr32(int rd, int rn, int rm, int lsb) {
            super(rd, rn, rm, lsb);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            int v = ((int) r[rm] >>> lsb) | (((int) r[rn] << 1) << (31 - lsb));
            r[rd] = v & 0xffff_ffffL;
        }
    }
}
