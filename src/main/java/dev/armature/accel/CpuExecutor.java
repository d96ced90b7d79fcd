package dev.armature.accel;

import dev.armature.arch.aarch64.Cpu;

/**
 * How a vCPU thread executes guest code: the interpreter or the translator. One executor serves one vCPU; the
 * board's vCPU threads call {@link #run} in a loop, checking {@link Cpu#exitRequest} in between.
 */
public interface CpuExecutor {
    /**
     * Runs until an exit is requested with {@link Cpu#EXIT_STOP} (or {@link Cpu#EXIT_REINSTRUMENT}) or exactly
     * {@code budget} instructions have run.
     *
     * @return true if stopped by request, false if the budget ran out
     */
    boolean run(Cpu cpu, long budget);

    /** Guest instructions executed (completed or faulted) so far. */
    long instructions();

    /**
     * On the vCPU's own thread, also while an instruction of {@code cpu} executes: the instructions completed
     * before it, exactly (at the last {@link #run} boundary between runs). What deterministic time
     * ({@code -icount}) counts, so both executors give the same value at the same guest instruction.
     */
    long instructionsNow(Cpu cpu);
}
