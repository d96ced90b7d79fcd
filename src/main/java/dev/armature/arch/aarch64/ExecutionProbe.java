package dev.armature.arch.aarch64;

/**
 * Instrumentation of instruction execution, called by both executors at the same points: before each block
 * (a run of instructions formed by the translation-block rules) and before each instrumented instruction. The
 * translator emits these calls only into blocks translated while a probe covers them, and the interpreter runs
 * its plain fast path while {@link Cpu#probe} is null, so execution without a probe pays nothing for them.
 *
 * <p>Whoever installs a probe must make the translator forget translations made without it (and the reverse).
 */
public interface ExecutionProbe {
    /** Whether blocks are instrumented ({@link #beforeBlock} is called). Must not change while installed. */
    boolean instrumentsBlocks();

    /** Whether the instruction at {@code va} is instrumented ({@link #beforeInsn} is called before it). */
    boolean instrumentsCode(long va);

    /**
     * The lowest instrumented address at or above {@code va} (unsigned), or -1 if there is none: code up to it
     * may run without probe calls (unless blocks are instrumented).
     */
    long nextInstrumented(long va);

    /**
     * Before the block at {@code va} of {@code insns} instructions runs ({@code cpu.pc == va}).
     *
     * @return true to stop before the block: the probe has requested an exit ({@link Cpu#EXIT_STOP})
     */
    boolean beforeBlock(Cpu cpu, long va, int insns);

    /**
     * Before an instrumented instruction is fetched (so also where nothing can be fetched): whether execution
     * must stop at {@code va} (a run's end address). Translated code has no separate call: {@link #beforeInsn}
     * must then stop too.
     *
     * @return true to stop: the probe has requested an exit ({@link Cpu#EXIT_STOP})
     */
    boolean stopsAt(Cpu cpu, long va);

    /**
     * Before the instruction at {@code va} (encoding {@code word}) executes ({@code cpu.pc == va}).
     *
     * @return true to stop before the instruction: the probe has requested an exit ({@link Cpu#EXIT_STOP})
     */
    boolean beforeInsn(Cpu cpu, long va, int word);
}
