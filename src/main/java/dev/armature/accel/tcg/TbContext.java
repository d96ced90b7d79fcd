package dev.armature.accel.tcg;

/**
 * Per-vCPU counters of translated execution (one instance per {@link TcgExecutor}, touched only by its thread).
 * Generated code copies {@link #limit} and its loop statistic into locals on entry and writes the statistic back
 * on every return; {@link #icount} and {@link #blockPc} are current whenever an instruction that may read them
 * runs and on return, kept in locals in between where few instructions may call out ({@link ExecCounters}: C2
 * keeps locals in registers across a loop, not fields).
 */
final class TbContext {
    /** Guest instructions executed (completed or faulted) by this vCPU, interpreted or translated. */
    long icount;
    /** A translated loop stops at its back-edge unless another pass keeps {@code icount} within this. */
    long limit;
    /** Back-edges a TB took to its own start without leaving generated code (self-chained exits). */
    long backEdges;
    /** Transitions from one member of a {@link TbRegion} to another (or itself) inside the region's method. */
    long regionTransitions;
    /**
     * First PC of the block running now: a TB's start, a region member's (generated code writes it at each
     * transition, or, where it keeps the count in locals, before instructions that may call out and on return),
     * or an interpreted block's.
     * {@link TcgExecutor#instructionsNow} counts the instructions of the running block from it.
     */
    long blockPc;
}
