package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.DirectBranch;
import dev.armature.arch.aarch64.Insn;

/** B and BL. */
public abstract class UnconditionalBranchImmediate extends Insn {
    protected final long offset;

    private UnconditionalBranchImmediate(long offset) {
        this.offset = offset;
    }

    /** @param offset signed byte offset from this instruction */
    public static Insn create(boolean link, long offset) {
        return link ? new Bl(offset) : new B(offset);
    }

    @Override
    public boolean endsBlock() {
        return true;
    }

    static final class B extends UnconditionalBranchImmediate implements DirectBranch {
        B(long offset) {
            super(offset);
        }

        @Override
        public void exec(Cpu cpu) {
            cpu.nextPc = cpu.pc + offset;
        }

        @Override
        public boolean taken(Cpu cpu) {
            return true;
        }

        @Override
        public long offset() {
            return offset;
        }

        @Override
        public String toString() {
            return "b . + " + offset;
        }
    }

    static final class Bl extends UnconditionalBranchImmediate {
        Bl(long offset) {
            super(offset);
        }

        @Override
        public void exec(Cpu cpu) {
            long pc = cpu.pc;
            cpu.r[30] = pc + 4;
            cpu.nextPc = pc + offset;
        }

        @Override
        public String toString() {
            return "bl . + " + offset;
        }
    }
}
