package dev.armature.arch.aarch64;

/**
 * An instruction of the data-processing groups (immediate and register, Arm ARM C4.1): a result computed from at
 * most three general-purpose registers, written to one. Its semantics are {@link #compute}, a function of the
 * operands' values (which may read and set PSTATE's flags and read the PC in {@code cpu}). The interpreter's
 * {@code exec} reads the operands from {@link Cpu#r} and writes the result back; translated code instead keeps
 * the registers in JVM locals across a block or a guest loop and calls {@code compute} on them, so the JIT holds
 * guest registers in host registers rather than loading and storing {@code cpu.r} at every instruction.
 *
 * <p>Every concrete class implements {@code exec} itself, as {@code r[rd] = compute(cpu, r[rn], r[rm], r[ra])}
 * with 0 for the operands its {@code compute} does not use: one shared {@code exec} here would call {@code
 * compute} through a second megamorphic call in the interpreter, whose cost is that call's mispredicted indirect
 * branch (ALU-heavy guests ran about 18% slower), and loading unused operands cost a few percent more.
 *
 * <p>Register numbers are {@link Cpu#r} indices: an unused operand is {@link Cpu#XZR} (reads 0), and an
 * instruction that only sets flags writes {@link Cpu#SINK}.
 */
public abstract class DataProcessingInsn extends Insn {
    /** Destination: Rd (or SP), or {@link Cpu#SINK}. */
    protected final int rd;
    /** First operand, Rn (or SP). */
    protected final int rn;
    /** Second operand, Rm. */
    protected final int rm;
    /** Third operand: Ra, or Rd for an instruction that keeps part of it (MOVK, BFM). */
    protected final int ra;

    protected DataProcessingInsn(int rd, int rn, int rm, int ra) {
        this.rd = rd;
        this.rn = rn;
        this.rm = rm;
        this.ra = ra;
    }

    /**
     * The instruction's semantics: its result from the values of {@link #operands()} (n, m, a in that order).
     * Never throws.
     */
    public abstract long compute(Cpu cpu, long n, long m, long a);

    /**
     * Whether {@link #compute} reads PSTATE.NZCV from {@code cpu}, and writes it there if it sets flags: the
     * conditional instructions (CSEL, CSINC, CSINV, CSNEG, CCMP, CCMN) and those with carry (ADC, SBC, ADCS, SBCS).
     * Translated code that keeps the flags in locals ({@link FlagSetting}) stores them to {@code cpu} before such
     * an instruction and loads them after it. False for every other instruction, {@link FlagSetting}s included.
     */
    public boolean usesCpuFlags() {
        return false;
    }

    /** The register {@link #compute}'s result goes to. */
    public final int destination() {
        return rd;
    }

    /** The registers whose values {@link #compute} takes, in order: Rn, Rm, Ra (or Rd). */
    public final int[] operands() {
        return new int[] {rn, rm, ra};
    }
}
