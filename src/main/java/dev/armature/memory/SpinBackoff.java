package dev.armature.memory;

import java.util.concurrent.locks.LockSupport;

/**
 * How a thread waits for other vCPUs to acknowledge a cross-vCPU request (a code-page barrier, a TLB shootdown):
 * they answer within one translation block, usually microseconds, so the wait spins first, then yields, then
 * parks briefly, so a waiter on a loaded 2-core host does not starve the vCPU it waits for.
 */
public final class SpinBackoff {
    private SpinBackoff() {
    }

    /** Waits a little; {@code spins} counts the waits of this wait loop, this one included (from 1). */
    public static void pause(int spins) {
        if (spins < 100) {
            Thread.onSpinWait();
        } else if (spins < 1000) {
            Thread.yield();
        } else {
            LockSupport.parkNanos(20_000);
        }
    }
}
