package dev.armature.accel.tcg;

/**
 * Per-vCPU counters of translated execution (one instance per {@link TcgExecutor}, touched only by its thread).
 * Generated code whose instructions only compute and branch copies {@link #icount}, {@link #limit}, its loop
 * statistic and (a region) {@link #blockPc} into locals on entry and writes them back on every return; other
 * generated code updates the fields as it goes, so they are current whenever an instruction may read them
 * ({@link ExecCounters}: C2 keeps locals in registers across a loop, not fields).
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
     * transition, or on return if it keeps it in a local), or an interpreted block's.
     * {@link TcgExecutor#instructionsNow} counts the instructions of the running block from it.
     */
    long blockPc;
}
