package dev.armature.memory;

import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * <p>Pages are 4 KiB. The bitmap is sparse: one chunk per GiB of physical address space that holds code.
 */
public final class CodePages {
    /** Something that caches write access to guest pages and can forget it; held weakly. */
    public interface WritableMappings {
        /** Drops any cached write mapping of the 4 KiB page at physical address {@code pagePa}. */
        void dropWritable(long pagePa);
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

    public void addWritableMappings(WritableMappings holder) {
        holders.removeIf(r -> r.get() == null);
        holders.add(new WeakReference<>(holder));
    }

    public void setListener(CodeWriteListener l) {
        listener = l;
    }

    /** Marks the page holding {@code pa} as code; returns true if it was not marked before. */
    public boolean mark(long pa) {
        long page = pa >>> PAGE_BITS;
        AtomicLongArray chunk = chunks.computeIfAbsent(pa >>> CHUNK_BITS, k -> new AtomicLongArray(WORDS_PER_CHUNK));
        any = true;
        int word = (int) (page >>> 6) & (WORDS_PER_CHUNK - 1);
        long bit = 1L << page;
        long old = chunk.getAndUpdate(word, w -> w | bit);
        if ((old & bit) != 0) {
            return false;
        }
        long pagePa = page << PAGE_BITS;
        for (WeakReference<WritableMappings> r : holders) {
            WritableMappings h = r.get();
            if (h != null) {
                h.dropWritable(pagePa);
            }
        }
        return true;
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
