package dev.armature.memory;

import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Which guest physical pages hold translated code (QEMU's "code dirty" tracking), so that writes to them reach
 * the translator and stale translations are invalidated (self-modifying code).
 *
 * <p>Protocol: the translator {@link #mark}s a page before reading its instructions. Marking tells every
 * registered {@link WritableMappings} holder (the vCPUs' soft TLBs) to drop cached write mappings of the page, so
 * later writes take the slow path, which calls {@link #written}; that forwards to the {@link CodeWriteListener}.
 * A TLB that installs a write mapping re-checks {@link #isCode} afterwards (both sides use volatile accesses), so
 * a mapping installed concurrently with marking is never left behind.
 *
 * <p>Memory ordering, the three kinds of writer:
 * <ul>
 * <li><b>vCPU fast path</b> (a plain store through a cached write mapping): a store that passed its mapping check
 * just before the mapping was dropped can land at any later time, and the writer never looks again. So a fresh
 * {@link #mark} ends with a <em>barrier</em>: every executing holder is asked to pass an instruction boundary
 * ({@link WritableMappings#requestBarrier}), where it publishes a volatile counter after its earlier stores, and
 * mark returns only when each has (or is not executing: it cleared its volatile {@code executing} flag after its
 * last store). The caller's reads of the page then see every store made through a dropped mapping
 * (happens-before through that counter); later stores take the slow path. A mark that finds the page already
 * marked returns at once only if no barrier is in progress; otherwise it waits for its own.</li>
 * <li><b>Slow path and host writes</b> (vCPU slow path, loaders, DMA): {@link #written} issues a full fence between
 * the store and the marked check. This is Dekker's pattern against {@link #mark}, whose atomic bit update is a
 * full fence before the translator reads the page: either the writer sees the bit and reports the write, or the
 * translator sees the stored value.</li>
 * <li><b>Atomics</b> report before they access memory; the barrier covers them like fast-path stores.</li>
 * </ul>
 * A reported write that races with a translation in progress is caught by the translator's own check (it drops a
 * translation if any invalidation happened while it read the page).
 *
 * <p>Pages are 4 KiB. The bitmap is sparse: one chunk per GiB of physical address space that holds code.
 */
public final class CodePages {
    /** Something that caches write access to guest pages and can forget it; held weakly. */
    public interface WritableMappings {
        /** Drops any cached write mapping of the 4 KiB page at physical address {@code pagePa}. */
        void dropWritable(long pagePa);

        /** Any thread: asks the owner to pass an instruction boundary soon; returns a ticket. */
        long requestBarrier();

        /**
         * Any thread: whether the owner passed a boundary since the ticket's request, or is not executing, such
         * that its stores before that point are visible to the caller.
         */
        boolean barrierPassed(long ticket);

        /** Owner thread only: serves pending requests (a waiting vCPU must keep serving, or two could deadlock). */
        void serviceFlushRequests();
    }

    /** Receives writes that hit pages holding translated code. */
    @FunctionalInterface
    public interface CodeWriteListener {
        /** {@code size} bytes at {@code pa} were written; {@code byCpu} is false for host/DMA/loader writes. */
        void codeWritten(long pa, long size, boolean byCpu);
    }

    public static final int PAGE_BITS = 12;
    private static final int CHUNK_BITS = 30;
    private static final int WORDS_PER_CHUNK = 1 << (CHUNK_BITS - PAGE_BITS - 6);

    private final ConcurrentHashMap<Long, AtomicLongArray> chunks = new ConcurrentHashMap<>();
    /** Weak: every vCPU power-on makes a new TLB, and old ones must not stay reachable from here. */
    private final List<WeakReference<WritableMappings>> holders = new CopyOnWriteArrayList<>();
    private volatile CodeWriteListener listener;
    /** False until the first page is marked: keeps the write slow path free of lookups when nothing translates. */
    private volatile boolean any;
    /** Marks between their start and the end of their barrier (see the class comment). */
    private final AtomicInteger marking = new AtomicInteger();

    public void addWritableMappings(WritableMappings holder) {
        holders.removeIf(r -> r.get() == null);
        holders.add(new WeakReference<>(holder));
    }

    public void setListener(CodeWriteListener l) {
        listener = l;
    }

    /**
     * Marks the page holding {@code pa} as code and returns once every store to it that did not see the mark is
     * visible to the calling thread (see the class comment).
     *
     * @param self the calling vCPU's own mappings (its stores are already ordered before the call), or null when
     *             called from a thread that runs no vCPU
     * @return true if the page was not marked before
     */
    public boolean mark(long pa, WritableMappings self) {
        long page = pa >>> PAGE_BITS;
        AtomicLongArray chunk = chunks.computeIfAbsent(pa >>> CHUNK_BITS, k -> new AtomicLongArray(WORDS_PER_CHUNK));
        any = true;
        marking.incrementAndGet();
        try {
            int word = (int) (page >>> 6) & (WORDS_PER_CHUNK - 1);
            long bit = 1L << page;
            long old = chunk.getAndUpdate(word, w -> w | bit);
            boolean fresh = (old & bit) == 0;
            if (fresh) {
                long pagePa = page << PAGE_BITS;
                for (WeakReference<WritableMappings> r : holders) {
                    WritableMappings h = r.get();
                    if (h != null) {
                        h.dropWritable(pagePa);
                    }
                }
            }
            // Already marked and nobody else between marking and the end of its barrier: that barrier is over and
            // its completion (the decrement below) happens-before this read.
            if (fresh || marking.get() > 1) {
                barrier(self);
            }
            return fresh;
        } finally {
            marking.decrementAndGet();
        }
    }

    /** Waits until every executing holder but {@code self} passed an instruction boundary. */
    private void barrier(WritableMappings self) {
        List<WritableMappings> targets = new ArrayList<>();
        List<Long> tickets = new ArrayList<>();
        for (WeakReference<WritableMappings> r : holders) {
            WritableMappings h = r.get();
            if (h != null && h != self) {
                targets.add(h);
                tickets.add(h.requestBarrier());
            }
        }
        for (int i = 0; i < targets.size(); i++) {
            int spins = 0;
            while (!targets.get(i).barrierPassed(tickets.get(i))) {
                if (self != null) {
                    self.serviceFlushRequests();
                }
                SpinBackoff.pause(++spins);
            }
        }
    }

    /** Forgets that the page holding {@code pa} has code (its last translation was invalidated). */
    public void unmark(long pa) {
        AtomicLongArray chunk = chunks.get(pa >>> CHUNK_BITS);
        if (chunk != null) {
            long page = pa >>> PAGE_BITS;
            long bit = 1L << page;
            chunk.getAndUpdate((int) (page >>> 6) & (WORDS_PER_CHUNK - 1), w -> w & ~bit);
        }
    }

    public boolean isCode(long pa) {
        if (!any) {
            return false;
        }
        AtomicLongArray chunk = chunks.get(pa >>> CHUNK_BITS);
        if (chunk == null) {
            return false;
        }
        long page = pa >>> PAGE_BITS;
        return (chunk.get((int) (page >>> 6) & (WORDS_PER_CHUNK - 1)) & (1L << page)) != 0;
    }

    /** Reports a completed write of {@code size} bytes at {@code pa} to the listener if it touched code. */
    public void written(long pa, long size, boolean byCpu) {
        VarHandle.fullFence(); // the store before the marked check: pairs with mark's atomic update
        if (!any || size <= 0) {
            return;
        }
        CodeWriteListener l = listener;
        if (l == null) {
            return;
        }
        for (long p = pa & ~((1L << PAGE_BITS) - 1); Long.compareUnsigned(p, pa + size - 1) <= 0;
                p += 1L << PAGE_BITS) {
            if (isCode(p)) {
                l.codeWritten(pa, size, byCpu);
                return;
            }
            if (p + (1L << PAGE_BITS) == 0) {
                break; // top of the address space
            }
        }
    }
}
