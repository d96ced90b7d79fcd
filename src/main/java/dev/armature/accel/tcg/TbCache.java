package dev.armature.accel.tcg;

import dev.armature.memory.CodePages;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The global TB cache shared by all vCPUs: a hash table by physical PC, an index of TBs by physical page (for
 * self-modifying-code invalidation), the links between TBs, and the code budget.
 *
 * <p>Concurrency: lookups walk the hash chains without locking (bucket array and chain pointers are volatile; a
 * lookup racing with a resize may miss, and a miss only costs a retranslation attempt that finds the entry under
 * the lock). Every mutation takes this object's monitor. Invalidation clears {@link Tb#valid} before unlinking,
 * and every way into a TB (jump cache, link, back-edge) checks it, so a vCPU never enters a TB after its
 * invalidation returns; likewise it clears {@link TbRegion#valid} of every region the TB is a member of, which
 * every region checks at each transition between members; the JVM keeps a flushed TB's code alive while some vCPU
 * still runs it.
 *
 * <p>Translations race with writes: {@link #sequence()} is read before the page is marked and the instructions
 * are read; {@link #insert} drops the TB if any invalidation happened since (it may have read stale words, or
 * its page's mark may have been removed). An invalidation counts the sequence after all its effects.
 *
 * <p>Code budget ({@code tb-size}), as QEMU's code buffer: each inserted TB takes its {@link #footprint} from the
 * budget and invalidated TBs do not give it back; when the next TB does not fit, everything is flushed and the
 * budget starts empty again. So code that is rewritten and retranslated over and over (self-modifying code)
 * fills the budget as it does in QEMU, even though few TBs are live at a time.
 */
final class TbCache {
    private static final int PAGE_BITS = CodePages.PAGE_BITS;

    private final CodePages codePages;
    private final TcgStats stats;
    private final long budgetBytes;

    private volatile Tb[] buckets = new Tb[1 << 10];
    private int count;
    private final Map<Long, List<Tb>> byPage = new HashMap<>();
    /** Footprints of the TBs inserted since the last flush, live or invalidated since. */
    private long usedBytes;
    /** Incremented by every invalidation and flush. */
    private volatile long sequence;
    /** Incremented by every flush; executors drop their jump caches when it changes. */
    private volatile long generation;
    /**
     * Incremented after every TB is published: a lookup that missed while this had some value stays a miss
     * until it changes (executors remember cold blocks with it, see {@link TcgExecutor}).
     */
    private volatile long inserts;

    TbCache(CodePages codePages, TcgStats stats, long budgetBytes) {
        this.codePages = codePages;
        this.stats = stats;
        this.budgetBytes = budgetBytes;
    }

    long sequence() {
        return sequence;
    }

    long generation() {
        return generation;
    }

    long inserts() {
        return inserts;
    }

    private static int hash(long pa, int flags) {
        long h = (pa >>> 2) * 0x9E37_79B9_7F4A_7C15L + flags;
        return (int) (h ^ (h >>> 29));
    }

    /** Lock-free lookup. */
    Tb get(long pa, long va, int flags) {
        Tb[] b = buckets;
        for (Tb t = b[hash(pa, flags) & (b.length - 1)]; t != null; t = t.hashNext) {
            TbKey k = t.key;
            if (k.pa() == pa && k.va() == va && k.flags() == flags && t.valid) {
                return t;
            }
        }
        return null;
    }

    /**
     * Adds a new TB unless an invalidation happened since {@code sequenceBefore} (returns null) or an equal TB
     * is already present (returns that one). Flushes everything first if the code budget would be exceeded.
     */
    synchronized Tb insert(Tb tb, long sequenceBefore) {
        if (sequence != sequenceBefore) {
            synchronized (stats) {
                stats.discarded++;
            }
            return null;
        }
        TbKey k = tb.key;
        Tb existing = get(k.pa(), k.va(), k.flags());
        if (existing != null) {
            return existing;
        }
        if (usedBytes + footprint(tb) > budgetBytes) {
            flush();
            // The flush left the page marked as code (pages are unmarked lazily), so no write was missed.
        }
        if ((count + 1) * 4L > buckets.length * 3L) {
            resize();
        }
        Tb[] b = buckets;
        int i = hash(k.pa(), k.flags()) & (b.length - 1);
        tb.hashNext = b[i];
        b[i] = tb;
        buckets = b; // publish the new head to lock-free readers
        inserts++; // after: who reads the new count finds the TB
        count++;
        byPage.computeIfAbsent(k.pa() >>> PAGE_BITS, p -> new ArrayList<>()).add(tb);
        usedBytes += footprint(tb);
        return tb;
    }

    /**
     * What a TB is estimated to occupy in the host, the unit of the budget: its class file (about what the parsed
     * class takes in metaspace), {@value #CLASS_OVERHEAD} bytes of per-class metadata, and
     * {@value #JIT_BYTES_PER_INSN} bytes of JIT-compiled code per guest instruction (the semantics are inlined
     * into the TB's method). Calibrated with {@code -XX:NativeMemoryTracking=summary} on {@code tcg-test tight
     * smc}: against {@code -accel interp}, 274 translations of 3.1 instructions on average grew the class space
     * by about 2.2 KB and the code heap by about 3.8 KB per TB. The JVM reports no per-class figure to measure.
     */
    static long footprint(Tb tb) {
        return tb.codeBytes + CLASS_OVERHEAD + (long) JIT_BYTES_PER_INSN * tb.insns.length;
    }

    static final int CLASS_OVERHEAD = 1024;
    static final int JIT_BYTES_PER_INSN = 1024;

    private void resize() {
        Tb[] old = buckets;
        Tb[] b = new Tb[old.length * 2];
        for (Tb head : old) {
            for (Tb t = head; t != null; ) {
                Tb next = t.hashNext;
                int i = hash(t.key.pa(), t.key.flags()) & (b.length - 1);
                t.hashNext = b[i];
                b[i] = t;
                t = next;
            }
        }
        buckets = b;
    }

    /**
     * Makes {@code r} the region entered instead of its head, if every member is still valid (one may have been
     * invalidated while the region was compiled), the head has no valid region yet, and its footprint fits the
     * code budget (a region never flushes: it only speeds up TBs that are there).
     *
     * @return whether it was added
     */
    synchronized boolean addRegion(TbRegion r) {
        Tb head = r.members[0];
        long bytes = footprint(r);
        // An invalidated or flushed region is no longer any TB's region, so a region here is a valid one.
        if (head.region != null || usedBytes + bytes > budgetBytes) {
            return false;
        }
        for (Tb m : r.members) {
            if (!m.valid) {
                return false;
            }
        }
        for (Tb m : r.members) {
            m.inRegions.add(r);
        }
        usedBytes += bytes;
        head.region = r;
        return true;
    }

    /**
     * True if {@code t} is a member of a valid region already: it heads none of its own then, since the region
     * it is in already runs the loop it is part of (the region leaves to it only at the loop's exits).
     */
    synchronized boolean inValidRegion(Tb t) {
        for (TbRegion r : t.inRegions) {
            if (r.valid) {
                return true;
            }
        }
        return false;
    }

    /**
     * Drops a valid region whose member's page is mapped elsewhere now (see {@link TbRegion#unmappedExits}): its
     * head runs as a plain TB again and may head a region for the current mapping once hot. Its footprint stays
     * used, as an invalidated TB's.
     */
    synchronized void dropRegion(TbRegion r) {
        if (r.valid) {
            unregister(r);
            synchronized (stats) {
                stats.regionsUnmapped++;
            }
        }
    }

    /** A region's estimated host footprint, as {@link #footprint(Tb)}: its members' code is compiled again. */
    static long footprint(TbRegion r) {
        return r.codeBytes + CLASS_OVERHEAD + (long) JIT_BYTES_PER_INSN * r.insns();
    }

    /** Invalidates a region and forgets it in its members (a region is never made valid again). */
    private static void unregister(TbRegion r) {
        r.valid = false;
        for (Tb m : r.members) {
            m.inRegions.remove(r);
        }
        if (r.members[0].region == r) {
            r.members[0].region = null;
        }
    }

    /** Links {@code from}'s exit to {@code pc} to {@code to}, if both are still valid and a slot is free. */
    synchronized void link(Tb from, long pc, Tb to) {
        if (!from.valid || !to.valid) {
            return;
        }
        Tb.Link l = new Tb.Link(pc, to);
        if (from.link0 == null) {
            from.link0 = l;
        } else if (from.link1 == null && from.link0.pc() != pc) {
            from.link1 = l;
        } else {
            return;
        }
        to.incoming.add(from);
        synchronized (stats) {
            stats.linksMade++;
        }
    }

    /** Invalidates the TBs overlapping {@code [pa, pa + size)} after a write there. */
    synchronized void invalidate(long pa, long size, TcgStats.Invalidation cause) {
        long end = pa + size;
        for (long page = pa >>> PAGE_BITS; page <= (end - 1) >>> PAGE_BITS; page++) {
            List<Tb> list = byPage.get(page);
            if (list != null) {
                list.removeIf(t -> {
                    if (Long.compareUnsigned(t.key.pa(), end) < 0 && Long.compareUnsigned(pa, t.paEnd()) < 0) {
                        remove(t);
                        synchronized (stats) {
                            stats.invalidations[cause.ordinal()]++;
                        }
                        return true;
                    }
                    return false;
                });
                if (!list.isEmpty()) {
                    continue;
                }
                byPage.remove(page);
            }
            // No translation left on the page: let writes take the fast path again.
            codePages.unmark(page << PAGE_BITS);
        }
        // Last, after the unmarking: a translation that sampled the old value is dropped at insert; one that
        // samples the new value (volatile) sees the page unmarked and marks it afresh. Counting first would let a
        // translation sample the new value, find the page still marked, and then lose the mark to the unmark
        // below: its TB would enter the cache with writes to its page no longer reported (found by -lockstep).
        sequence++;
    }

    private void remove(Tb t) {
        t.valid = false;
        for (TbRegion r : t.inRegions.toArray(TbRegion[]::new)) {
            unregister(r); // before the invalidation returns: no region runs t's old code from now on
        }
        Tb[] b = buckets;
        int i = hash(t.key.pa(), t.key.flags()) & (b.length - 1);
        if (b[i] == t) {
            b[i] = t.hashNext;
            buckets = b;
        } else {
            for (Tb p = b[i]; p != null; p = p.hashNext) {
                if (p.hashNext == t) {
                    p.hashNext = t.hashNext;
                    break;
                }
            }
        }
        count--;
        for (Tb from : t.incoming) {
            if (from.link0 != null && from.link0.target() == t) {
                from.link0 = null;
            }
            if (from.link1 != null && from.link1.target() == t) {
                from.link1 = null;
            }
        }
        t.incoming.clear();
        for (Tb.Link l : new Tb.Link[] {t.link0, t.link1}) {
            if (l != null) {
                l.target().incoming.remove(t);
            }
        }
        t.link0 = null;
        t.link1 = null;
    }

    /**
     * Drops every TB (QEMU's tb_flush). Safe while other vCPUs run translated code: they see the TBs invalid at
     * their next back-edge, link or lookup, and the JVM frees the classes once no vCPU uses them.
     */
    synchronized void flush() {
        for (Tb head : buckets) {
            for (Tb t = head; t != null; t = t.hashNext) {
                t.valid = false;
                for (TbRegion r : t.inRegions) {
                    r.valid = false;
                }
                t.inRegions.clear();
                t.region = null;
                t.link0 = null;
                t.link1 = null;
            }
        }
        synchronized (stats) {
            stats.invalidations[TcgStats.Invalidation.FLUSH.ordinal()] += count;
            if (count > 0 || usedBytes > 0) {
                stats.flushes++; // not the flushes of an empty cache (e.g. the probe set-up at start)
            }
        }
        buckets = new Tb[buckets.length];
        count = 0;
        byPage.clear();
        usedBytes = 0;
        sequence++;
        generation++;
    }

    /** Copies the cache's shape into {@code stats} for a report. */
    synchronized void snapshot() {
        Tb[] b = buckets;
        int used = 0;
        int longest = 0;
        for (Tb head : b) {
            int n = 0;
            for (Tb t = head; t != null; t = t.hashNext) {
                n++;
            }
            used += n > 0 ? 1 : 0;
            longest = Math.max(longest, n);
        }
        synchronized (stats) {
            stats.liveTbs = count;
            stats.usedBytes = usedBytes;
            stats.budgetBytes = budgetBytes;
            stats.hashBuckets = b.length;
            stats.hashUsedBuckets = used;
            stats.hashLongestChain = longest;
            stats.codePages = byPage.size();
        }
    }
}
