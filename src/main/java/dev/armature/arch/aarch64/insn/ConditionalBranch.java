package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Alu;
import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.Insn;

/** B.cond. */
public final class ConditionalBranch extends Insn {
    private final long offset;
    private final int condMask;
    private final int cond;

    public ConditionalBranch(int cond, long offset) {
        this.cond = cond;
        this.offset = offset;
        this.condMask = Alu.conditionMask(cond);
    }

    @Override
    public void exec(Cpu cpu) {
        if (Alu.holds(condMask, cpu.nzcv)) {
            cpu.nextPc = cpu.pc + offset;
        }
    }

    @Override
    public boolean endsBlock() {
        return true;
    }

    @Override
    public String toString() {
        return "b." + Conditions.name(cond) + " . + " + offset;
    }
}
