package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.DirectBranch;
import dev.armature.arch.aarch64.Insn;

/** CBZ and CBNZ: branch if the (32- or 64-bit) register is zero / non-zero. */
public abstract class CompareAndBranch extends DirectBranch {
    protected final int rt;
    /** The operand size: low 32 bits or all 64. */
    protected final long mask;

    private CompareAndBranch(boolean sf, int rt, long offset) {
        super(offset, rt);
        this.rt = rt;
        this.mask = sf ? -1L : 0xffff_ffffL;
    }

    public static Insn create(boolean sf, boolean nonZero, int rt, long offset) {
        return nonZero ? new Cbnz(sf, rt, offset) : new Cbz(sf, rt, offset);
    }

    protected final String text(String mnemonic) {
        return mnemonic + " " + Reg.name(rt, mask == -1L) + ", . + " + offset;
    }

    static final class Cbz extends CompareAndBranch {
        Cbz(boolean sf, int rt, long offset) {
            super(sf, rt, offset);
        }

        @Override
        public void exec(Cpu cpu) {
            branchIf(cpu, taken(cpu, cpu.r[rt]));
        }

        @Override
        public boolean taken(Cpu cpu, long value) {
            return (value & mask) == 0;
        }

        @Override
        public String toString() {
            return text("cbz");
        }
    }

    static final class Cbnz extends CompareAndBranch {
        Cbnz(boolean sf, int rt, long offset) {
            super(sf, rt, offset);
        }

        @Override
        public void exec(Cpu cpu) {
            branchIf(cpu, taken(cpu, cpu.r[rt]));
        }

        @Override
        public boolean taken(Cpu cpu, long value) {
            return (value & mask) != 0;
        }

        @Override
        public String toString() {
            return text("cbnz");
        }
    }
}
