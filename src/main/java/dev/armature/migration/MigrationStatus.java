package dev.armature.migration;

/**
 * Progress of the VM's outgoing migration, in the shape of QMP's {@code query-migrate}. Written by the migration
 * thread, read by the monitor; every method is synchronized (the object is the lock).
 */
public final class MigrationStatus {
    /** QMP's MigrationStatus values this implementation goes through. */
    public enum State {
        NONE("none"), SETUP("setup"), ACTIVE("active"), COMPLETED("completed"), FAILED("failed");

        private final String qmpName;

        State(String qmpName) {
            this.qmpName = qmpName;
        }

        public String qmpName() {
            return qmpName;
        }
    }

    /**
     * One consistent reading. Times in milliseconds; {@code downtime} only once completed, {@code expectedDowntime}
     * while active; {@code dirtyPagesRate} in pages per second over the last round.
     */
    public record Info(State state, long totalTime, long setupTime, long downtime, long expectedDowntime,
                       long transferred, long total, long remaining, long duplicate, long normal,
                       long dirtyPagesRate, long dirtySyncCount, long iterations, double mbps, String error) {
    }

    private State state = State.NONE;
    private long startNanos;
    private long endNanos;
    private long setupTime;
    private long downtime;
    private long expectedDowntime;
    private long transferred;
    private long total;
    private long remaining;
    private long duplicate;
    private long normal;
    private long dirtyPagesRate;
    private long dirtySyncCount;
    private long iterations;
    private String error;

    /** A new migration of {@code ramBytes} of RAM starts (status {@code setup}). */
    public synchronized void setup(long ramBytes) {
        state = State.SETUP;
        startNanos = System.nanoTime();
        endNanos = 0;
        setupTime = 0;
        downtime = 0;
        expectedDowntime = 0;
        transferred = 0;
        total = ramBytes;
        remaining = ramBytes;
        duplicate = 0;
        normal = 0;
        dirtyPagesRate = 0;
        dirtySyncCount = 0;
        iterations = 0;
        error = null;
    }

    public synchronized boolean inProgress() {
        return state == State.SETUP || state == State.ACTIVE;
    }

    /** Connected: RAM is being sent (status {@code active}). */
    public synchronized void active() {
        state = State.ACTIVE;
        setupTime = (System.nanoTime() - startNanos) / 1_000_000;
    }

    public synchronized void sent(long normalPages, long zeroPages) {
        normal += normalPages;
        duplicate += zeroPages;
    }

    public synchronized void transferred(long bytes) {
        transferred = bytes;
    }

    /** A round ended: {@code dirtyPages} are left, dirtied at {@code rate} pages/s; the rest would take that long. */
    public synchronized void round(long dirtyPages, long rate, long expectedDowntimeMillis) {
        iterations++;
        remaining = dirtyPages * RamState.PAGE_SIZE;
        dirtyPagesRate = rate;
        expectedDowntime = expectedDowntimeMillis;
    }

    /** The dirty log was harvested once more. */
    public synchronized void dirtySync() {
        dirtySyncCount++;
    }

    public synchronized void completed(long downtimeMillis) {
        state = State.COMPLETED;
        downtime = downtimeMillis;
        remaining = 0;
        endNanos = System.nanoTime();
    }

    public synchronized void failed(String why) {
        state = State.FAILED;
        error = why;
        endNanos = System.nanoTime();
    }

    public synchronized Info info() {
        long elapsed = state == State.NONE ? 0 : ((endNanos != 0 ? endNanos : System.nanoTime()) - startNanos);
        double mbps = elapsed == 0 ? 0 : transferred * 8.0 / (elapsed / 1e9) / 1e6;
        return new Info(state, elapsed / 1_000_000, setupTime, downtime, expectedDowntime, transferred, total,
                remaining, duplicate, normal, dirtyPagesRate, dirtySyncCount, iterations, mbps, error);
    }
}
