package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.DirectBranch;
import dev.armature.arch.aarch64.Insn;

/** TBZ and TBNZ: branch if one bit of a register is zero / one. */
public abstract class TestAndBranch extends DirectBranch {
    protected final int rt;
    protected final long bitMask;
    private final int bit;

    private TestAndBranch(int rt, int bit, long offset) {
        super(offset, rt);
        this.rt = rt;
        this.bit = bit;
        this.bitMask = 1L << bit;
    }

    public static Insn create(boolean nonZero, int rt, int bit, long offset) {
        return nonZero ? new Tbnz(rt, bit, offset) : new Tbz(rt, bit, offset);
    }

    protected final String text(String mnemonic) {
        return mnemonic + " " + Reg.name(rt, bit >= 32) + ", #" + bit + ", . + " + offset;
    }

    static final class Tbz extends TestAndBranch {
        Tbz(int rt, int bit, long offset) {
            super(rt, bit, offset);
        }

        @Override
        public void exec(Cpu cpu) {
            branchIf(cpu, taken(cpu, cpu.r[rt]));
        }

        @Override
        public boolean taken(Cpu cpu, long value) {
            return (value & bitMask) == 0;
        }

        @Override
        public String toString() {
            return text("tbz");
        }
    }

    static final class Tbnz extends TestAndBranch {
        Tbnz(int rt, int bit, long offset) {
            super(rt, bit, offset);
        }

        @Override
        public void exec(Cpu cpu) {
            branchIf(cpu, taken(cpu, cpu.r[rt]));
        }

        @Override
        public boolean taken(Cpu cpu, long value) {
            return (value & bitMask) != 0;
        }

        @Override
        public String toString() {
            return text("tbnz");
        }
    }
}
