package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Alu;
import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.DataProcessingInsn;
import dev.armature.arch.aarch64.Insn;

/** ADC, ADCS, SBC, SBCS: AddWithCarry(Rn, Rm or NOT(Rm), PSTATE.C). */
public abstract class AddSubCarry extends DataProcessingInsn {
    /** All ones for SBC(S), else 0. */
    protected final long invert;
    private final boolean sf;
    private final boolean setFlags;

    private AddSubCarry(boolean sf, boolean sub, boolean setFlags, int rd, int rn, int rm) {
        super(rd, rn, rm, Cpu.XZR);
        this.invert = sub ? -1L : 0;
        this.sf = sf;
        this.setFlags = setFlags;
    }

    public static Insn create(boolean sf, boolean sub, boolean setFlags, int rd, int rn, int rm) {
        if (setFlags) {
            return sf ? new Adcs64(sub, rd, rn, rm) : new Adcs32(sub, rd, rn, rm);
        }
        return sf ? new Adc64(sub, rd, rn, rm) : new Adc32(sub, rd, rn, rm);
    }

    @Override
    public boolean usesCpuFlags() {
        return true;
    }

    @Override
    public String toString() {
        return (invert != 0 ? "sbc" : "adc") + (setFlags ? "s " : " ") + Reg.name(rd, sf) + ", " + Reg.name(rn, sf)
                + ", " + Reg.name(rm, sf);
    }

    static final class Adc64 extends AddSubCarry {
        Adc64(boolean sub, int rd, int rn, int rm) {
            super(true, sub, false, rd, rn, rm);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], r[rm], 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return n + (m ^ invert) + cpu.cf;
        }
    }

    static final class Adc32 extends AddSubCarry {
        Adc32(boolean sub, int rd, int rn, int rm) {
            super(false, sub, false, rd, rn, rm);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], r[rm], 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return (n + (m ^ invert) + cpu.cf) & 0xffff_ffffL;
        }
    }

    static final class Adcs64 extends AddSubCarry {
        Adcs64(boolean sub, int rd, int rn, int rm) {
            super(true, sub, true, rd, rn, rm);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], r[rm], 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return Alu.addWithCarry64(cpu, n, m ^ invert, cpu.cf);
        }
    }

    static final class Adcs32 extends AddSubCarry {
        Adcs32(boolean sub, int rd, int rn, int rm) {
            super(false, sub, true, rd, rn, rm);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], r[rm], 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return Alu.addWithCarry32(cpu, (int) n, (int) (m ^ invert), cpu.cf);
        }
    }
}
