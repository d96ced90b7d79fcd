package dev.armature.memory;

/**
 * Which bus master issues the physical accesses made by the current thread: a vCPU index, or {@link #NONE}.
 * Devices with per-CPU (banked) registers, like the GIC, read it inside {@link MmioHandler} callbacks, the
 * way a real interconnect carries the requester's id with every transaction.
 *
 * <p>Each vCPU thread calls {@link #set} with its CPU index once, before it starts running guest code.
 */
public final class BusMaster {
    /** No bus master declared (host threads: loaders, debugger, tests that did not set one). */
    public static final int NONE = -1;

    private static final ThreadLocal<int[]> CURRENT = ThreadLocal.withInitial(() -> new int[] {NONE});

    private BusMaster() {
    }

    /** Declares that the current thread's accesses come from bus master {@code id} (a vCPU index). */
    public static void set(int id) {
        CURRENT.get()[0] = id;
    }

    /** The current thread's bus master id, or {@link #NONE}. */
    public static int current() {
        return CURRENT.get()[0];
    }
}
