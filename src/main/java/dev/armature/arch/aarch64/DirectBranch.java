package dev.armature.arch.aarch64;

/**
 * A branch to a fixed offset from its own address that has no other effect: B, B.cond, BC.cond, CBZ, CBNZ, TBZ,
 * TBNZ. Its {@link #exec} is {@code if (taken(cpu)) cpu.nextPc = cpu.pc + offset()}; the translator, which
 * knows both successors when it generates code, asks {@link #taken} and continues at either without going through
 * {@code cpu.pc} and {@code cpu.nextPc}. The condition is the instruction's own code either way.
 */
public abstract class DirectBranch extends Insn {
    /** The target's byte offset from the branch's address. */
    protected final long offset;

    protected DirectBranch(long offset) {
        this.offset = offset;
    }

    /** Whether the branch is taken in the current state (true for B); reads registers or flags, writes nothing. */
    public abstract boolean taken(Cpu cpu);

    /** The target's byte offset from the branch's address. */
    public final long offset() {
        return offset;
    }

    @Override
    public final void exec(Cpu cpu) {
        if (taken(cpu)) {
            cpu.nextPc = cpu.pc + offset;
        }
    }

    @Override
    public final boolean endsBlock() {
        return true;
    }
}
