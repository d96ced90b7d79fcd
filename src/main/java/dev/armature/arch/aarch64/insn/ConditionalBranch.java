package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Condition;
import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.DirectBranch;

/** B.cond. */
public final class ConditionalBranch extends DirectBranch {
    private final Condition cond;

    public ConditionalBranch(int cond, long offset) {
        super(offset, Cpu.XZR);
        this.cond = Condition.of(cond);
    }

    @Override
    public void exec(Cpu cpu) {
        branchIf(cpu, taken(cpu, 0));
    }

    @Override
    public boolean taken(Cpu cpu, long value) {
        return cond.holds(cpu);
    }

    @Override
    public Condition condition() {
        return cond;
    }

    @Override
    public String toString() {
        return "b." + cond.mnemonic() + " . + " + offset;
    }
}
