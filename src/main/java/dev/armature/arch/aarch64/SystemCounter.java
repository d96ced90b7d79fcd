package dev.armature.arch.aarch64;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The system counter every vCPU's generic timer reads (CNTPCT_EL0), shared by all vCPUs of a VM so their counts
 * agree. It ticks at {@link #FREQUENCY_HZ}, from host monotonic time by default, or deterministically from an
 * instruction count (like QEMU's icount) when {@link #setDeterministic} is called.
 *
 * <p>In host-time mode timers arm host alarms ({@link #schedule}) so a deadline asserts the timer output while
 * the vCPU is busy; in deterministic mode time only moves with instructions, so the vCPU's run loop must call
 * {@link GenericTimer#update()} (for example at each exit request or every few thousand instructions).
 */
public final class SystemCounter {
    /** CNTFRQ_EL0: 62.5 MHz, QEMU 7.2's virt value; one tick is exactly 16 ns. */
    public static final long FREQUENCY_HZ = 62_500_000L;
    public static final long NANOS_PER_TICK = 1_000_000_000L / FREQUENCY_HZ;

    private static final ScheduledExecutorService ALARMS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "armature-timer-alarms");
        t.setDaemon(true);
        return t;
    });

    /** One origin for every host-time counter, so vCPUs of a VM agree even if each was given its own. */
    private static final long HOST_BASE = System.nanoTime();
    private volatile LongSupplier instructions;
    private volatile long nanosPerInstruction;
    /** Added to the count so that a restored snapshot's counter continues from where it was saved. */
    private volatile long offsetTicks;

    /** Host monotonic time (since the class was loaded), or deterministic time from the instruction count. */
    public long nanos() {
        LongSupplier icount = instructions;
        return icount != null ? icount.getAsLong() * nanosPerInstruction : System.nanoTime() - HOST_BASE;
    }

    /** The physical count, CNTPCT_EL0. */
    public long count() {
        return nanos() / NANOS_PER_TICK + offsetTicks;
    }

    /**
     * Makes the count read {@code ticks} now and advance from there (restoring a snapshot: the guest sees no
     * jump, and timer compare values keep their distance to the count).
     */
    public void setCount(long ticks) {
        offsetTicks = ticks - nanos() / NANOS_PER_TICK;
    }

    /**
     * Switches to deterministic time: {@code instructionCount} instructions × {@code nanosPerInstruction} ns.
     * Pass {@code null} to return to host time.
     */
    public void setDeterministic(LongSupplier instructionCount, long nanosPerInstruction) {
        if (instructionCount != null && nanosPerInstruction <= 0) {
            throw new IllegalArgumentException("nanoseconds per instruction must be positive");
        }
        this.nanosPerInstruction = nanosPerInstruction;
        this.instructions = instructionCount;
    }

    public boolean isDeterministic() {
        return instructions != null;
    }

    /** Runs {@code action} on the shared alarm thread after {@code delayNanos} (host-time mode only). */
    ScheduledFuture<?> schedule(Runnable action, long delayNanos) {
        return ALARMS.schedule(action, delayNanos, TimeUnit.NANOSECONDS);
    }
}
