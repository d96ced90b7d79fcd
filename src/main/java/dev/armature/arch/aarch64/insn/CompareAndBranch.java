package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.DirectBranch;
import dev.armature.arch.aarch64.Insn;

/** CBZ and CBNZ: branch if the (32- or 64-bit) register is zero / non-zero. */
public abstract class CompareAndBranch extends Insn implements DirectBranch {
    protected final int rt;
    /** The operand size: low 32 bits or all 64. */
    protected final long mask;
    protected final long offset;

    private CompareAndBranch(boolean sf, int rt, long offset) {
        this.rt = rt;
        this.mask = sf ? -1L : 0xffff_ffffL;
        this.offset = offset;
    }

    public static Insn create(boolean sf, boolean nonZero, int rt, long offset) {
        return nonZero ? new Cbnz(sf, rt, offset) : new Cbz(sf, rt, offset);
    }

    @Override
    public final void exec(Cpu cpu) {
        if (taken(cpu)) {
            cpu.nextPc = cpu.pc + offset;
        }
    }

    @Override
    public final long offset() {
        return offset;
    }

    @Override
    public boolean endsBlock() {
        return true;
    }

    protected final String text(String mnemonic) {
        return mnemonic + " " + Reg.name(rt, mask == -1L) + ", . + " + offset;
    }

    static final class Cbz extends CompareAndBranch {
        Cbz(boolean sf, int rt, long offset) {
            super(sf, rt, offset);
        }

        @Override
        public boolean taken(Cpu cpu) {
            return (cpu.r[rt] & mask) == 0;
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
        public boolean taken(Cpu cpu) {
            return (cpu.r[rt] & mask) != 0;
        }

        @Override
        public String toString() {
            return text("cbnz");
        }
    }
}
