package dev.armature.accel.tcg;

/**
 * Per-vCPU counters of translated execution (one instance per {@link TcgExecutor}, touched only by its thread).
 * Generated code copies {@link #icount}, {@link #limit}, its loop statistic and (a region) {@link #blockPc} into
 * locals on entry and writes them back on every return ({@link ExecLocals}): C2 does not keep fields in registers
 * across a loop, so a field updated at every transition would be a load-add-store chain through memory. While a
 * block runs, {@link #icount} and {@link #blockPc} are current before any instruction that may read them.
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
     * First PC of the block running now: a TB's start, a region member's (generated code writes it before a
     * member's instructions that may read it, and on return), or an interpreted block's.
     * {@link TcgExecutor#instructionsNow} counts the instructions of the running block from it.
     */
    long blockPc;
}
