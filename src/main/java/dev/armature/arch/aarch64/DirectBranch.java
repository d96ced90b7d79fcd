package dev.armature.arch.aarch64;

/**
 * A branch to a fixed offset from its own address that has no other effect: B, B.cond, BC.cond, CBZ, CBNZ, TBZ,
 * TBNZ. Its {@link #exec} is {@code if (taken(cpu, cpu.r[operand()])) cpu.nextPc = cpu.pc + offset()}; the
 * translator, which knows both successors when it generates code, asks {@link #taken} and continues at either
 * without going through {@code cpu.pc} and {@code cpu.nextPc}, passing the register's value from where it keeps
 * it (see {@link DataProcessingInsn}). The condition is the instruction's own code either way.
 */
public abstract class DirectBranch extends Insn {
    /** The target's byte offset from the branch's address. */
    protected final long offset;
    /** The register CBZ, CBNZ, TBZ, TBNZ test ({@link Cpu#r} index); {@link Cpu#XZR} for B and B.cond. */
    private final int operand;

    protected DirectBranch(long offset, int operand) {
        this.offset = offset;
        this.operand = operand;
    }

    /**
     * Whether the branch is taken (true for B), given the value of its {@link #operand()} register; B.cond reads
     * the flags. Writes nothing.
     */
    public abstract boolean taken(Cpu cpu, long value);

    /**
     * The condition on NZCV that {@link #taken} tests (B.cond), or null if it tests a register or
     * nothing: translated code that keeps the flags in locals tests it on them.
     */
    public Condition condition() {
        return null;
    }

    /** The register whose value {@link #taken} tests. */
    public final int operand() {
        return operand;
    }

    /** The target's byte offset from the branch's address. */
    public final long offset() {
        return offset;
    }

    /**
     * The branch's effect once {@link #taken} is known: {@code nextPc} = the target if taken. Each concrete class
     * implements {@code exec} as {@code branchIf(cpu, taken(cpu, cpu.r[rt]))} itself, so the interpreter reaches
     * the condition through its one indirect call rather than a second one from a shared {@code exec}.
     */
    protected final void branchIf(Cpu cpu, boolean taken) {
        if (taken) {
            cpu.nextPc = cpu.pc + offset;
        }
    }

    @Override
    public final boolean endsBlock() {
        return true;
    }
}
