package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.DirectBranch;
import dev.armature.arch.aarch64.Insn;

/** B and BL. */
public final class UnconditionalBranchImmediate {
    private UnconditionalBranchImmediate() {
    }

    /** @param offset signed byte offset from this instruction */
    public static Insn create(boolean link, long offset) {
        return link ? new Bl(offset) : new B(offset);
    }

    static final class B extends DirectBranch {
        B(long offset) {
            super(offset, Cpu.XZR);
        }

        @Override
        public void exec(Cpu cpu) {
            branchIf(cpu, taken(cpu, 0));
        }

        @Override
        public boolean taken(Cpu cpu, long value) {
            return true;
        }

        @Override
        public String toString() {
            return "b . + " + offset;
        }
    }

    /** BL: not a {@link DirectBranch}, as it also writes the link register. */
    static final class Bl extends Insn {
        private final long offset;

        Bl(long offset) {
            this.offset = offset;
        }

        @Override
        public void exec(Cpu cpu) {
            long pc = cpu.pc;
            cpu.r[30] = pc + 4;
            cpu.nextPc = pc + offset;
        }

        @Override
        public boolean endsBlock() {
            return true;
        }

        @Override
        public String toString() {
            return "bl . + " + offset;
        }
    }
}
