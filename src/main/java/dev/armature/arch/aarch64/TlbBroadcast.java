package dev.armature.arch.aarch64;

/**
 * Inner-shareable TLB maintenance (TLBI ...IS): the board or VM sets one on every vCPU that shares memory, so a
 * TLBI broadcast by one vCPU reaches the others. Without one, a vCPU is alone in its shareability domain.
 */
@FunctionalInterface
public interface TlbBroadcast {
    /**
     * Invalidates the TLBs of every vCPU in {@code source}'s domain except {@code source}, returning only when
     * none of them can use a stale entry any more (each has flushed, or will before it next executes). Called on
     * {@code source}'s thread.
     */
    void invalidateOthers(Cpu source);
}
