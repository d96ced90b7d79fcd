package dev.armature.accel.tcg;

/**
 * Per-vCPU counters that generated code updates directly (one instance per {@link TcgExecutor}, touched only by
 * its thread, so plain fields that HotSpot can keep in registers across a translated loop).
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
     * First PC of the block running now: a TB's start, a region member's (generated code updates it at each
     * transition), or an interpreted block's. {@link TcgExecutor#instructionsNow} and a region's exception handler
     * count the instructions of the running block from it.
     */
    long blockPc;
}
