package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Condition;
import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.DirectBranch;
import dev.armature.arch.aarch64.Insn;

/** B.cond. */
public final class ConditionalBranch extends Insn implements DirectBranch {
    private final long offset;
    private final Condition cond;

    public ConditionalBranch(int cond, long offset) {
        this.cond = Condition.of(cond);
        this.offset = offset;
    }

    @Override
    public void exec(Cpu cpu) {
        if (taken(cpu)) {
            cpu.nextPc = cpu.pc + offset;
        }
    }

    @Override
    public boolean taken(Cpu cpu) {
        return cond.holds(cpu);
    }

    @Override
    public long offset() {
        return offset;
    }

    @Override
    public boolean endsBlock() {
        return true;
    }

    @Override
    public String toString() {
        return "b." + cond.mnemonic() + " . + " + offset;
    }
}
