package dev.armature.memory;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Which guest physical pages were written since the last harvest (KVM's dirty log), for live migration.
 *
 * <p>Writers: every write to RAM that does not go through a cached vCPU TLB write entry reports itself with
 * {@link #mark}: {@link PhysicalMemory#write}/{@link PhysicalMemory#writeBytes} (devices, loaders, the debugger),
 * DMA through an IOMMU target, and the vCPUs' TLB slow path, which is also where a TLB installs a write entry.
 * The fast path (a hit on a cached write entry) is not instrumented, so while logging the vCPUs' write entries
 * are dropped at every {@link #start} and {@link #harvest}: the first write to a page in each round takes the
 * slow path and marks it, later writes in the round hit the entry the slow path installed.
 *
 * <p>Harvest protocol: the bits are taken (atomically, word by word) first, then {@link #flusher} makes every
 * vCPU drop its TLB and waits until each has passed an instruction boundary. A write through an entry older
 * than the harvest therefore completes before the harvest returns, and its page, marked when the entry was
 * installed, is in the harvested set; any later write needs a new entry and marks the next round. The caller
 * copies harvested pages only after {@link #harvest} returns.
 *
 * <p>Cost when off: {@link #mark} reads one volatile flag; the fast path is untouched.
 */
public final class DirtyLog {
    private static final int PAGE_BITS = CodePages.PAGE_BITS;
    private static final int CHUNK_BITS = 30;
    private static final int WORDS_PER_CHUNK = 1 << (CHUNK_BITS - PAGE_BITS - 6);

    /** Drops every vCPU's TLB and returns once none can still use an entry it had (see the class comment). */
    @FunctionalInterface
    public interface TlbFlusher {
        void flushAllTlbs();
    }

    private final Map<Long, AtomicLongArray> chunks = new ConcurrentHashMap<>();
    private volatile boolean active;
    private volatile TlbFlusher flusher = () -> { };

    /** Sets how the vCPUs' TLBs are flushed (the board's TLB shootdown domain). */
    public void setFlusher(TlbFlusher f) {
        flusher = f;
    }

    public boolean active() {
        return active;
    }

    /** Starts logging with every page clean; write entries cached before now are dropped. */
    public void start() {
        chunks.clear();
        active = true;
        flusher.flushAllTlbs();
    }

    /** Stops logging; the bitmap is dropped. */
    public void stop() {
        active = false;
        chunks.clear();
    }

    /** Records a write of {@code size} bytes at {@code pa} (nothing unless logging). */
    public void mark(long pa, long size) {
        if (!active || size <= 0) {
            return;
        }
        long last = (pa + size - 1) >>> PAGE_BITS;
        for (long page = pa >>> PAGE_BITS; page <= last; page++) {
            AtomicLongArray chunk = chunks.computeIfAbsent(page >>> (CHUNK_BITS - PAGE_BITS),
                    k -> new AtomicLongArray(WORDS_PER_CHUNK));
            int word = (int) (page >>> 6) & (WORDS_PER_CHUNK - 1);
            long bit = 1L << page;
            if ((chunk.get(word) & bit) == 0) {
                chunk.getAndUpdate(word, w -> w | bit);
            }
        }
    }

    /** Number of pages dirty now (an estimate while writers run). */
    public long dirtyCount() {
        long n = 0;
        for (AtomicLongArray chunk : chunks.values()) {
            for (int i = 0; i < WORDS_PER_CHUNK; i++) {
                n += Long.bitCount(chunk.get(i));
            }
        }
        return n;
    }

    /**
     * Takes the pages dirtied since the last harvest (or {@link #start}), leaving them clean, and makes sure
     * later writes are logged again; returns their physical addresses in ascending order.
     */
    public long[] harvest() {
        long[] pages = new long[64];
        int n = 0;
        Long[] keys = chunks.keySet().toArray(Long[]::new);
        Arrays.sort(keys);
        for (Long key : keys) {
            AtomicLongArray chunk = chunks.get(key);
            for (int i = 0; i < WORDS_PER_CHUNK; i++) {
                long w = chunk.get(i) == 0 ? 0 : chunk.getAndSet(i, 0);
                while (w != 0) {
                    int b = Long.numberOfTrailingZeros(w);
                    w &= w - 1;
                    if (n == pages.length) {
                        pages = Arrays.copyOf(pages, n * 2);
                    }
                    long page = (key << (CHUNK_BITS - PAGE_BITS)) + ((long) i << 6) + b;
                    pages[n++] = page << PAGE_BITS;
                }
            }
        }
        flusher.flushAllTlbs();
        return Arrays.copyOf(pages, n);
    }
}
