package dev.armature.arch.aarch64;

/**
 * Inner-shareable TLB maintenance (TLBI ...IS): the board or VM sets one on every vCPU that shares memory, so a
 * TLBI broadcast by one vCPU reaches the others. Without one, a vCPU is alone in its shareability domain.
 */
@FunctionalInterface
public interface TlbBroadcast {
    /**
     * Performs {@code what} on the TLBs of every vCPU in {@code source}'s domain except {@code source}, returning
     * only when none of them can use an entry it drops any more (each has done it, or will before it next
     * executes). Called on {@code source}'s thread.
     */
    void invalidateOthers(Cpu source, TlbInvalidation what);
}
