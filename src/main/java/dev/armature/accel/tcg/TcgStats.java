package dev.armature.accel.tcg;

import java.util.Locale;

/**
 * Translator statistics, modelled on QEMU's {@code info jit}. Translation-side counters are updated under the
 * {@link TbCache} lock; run-side counters are kept per vCPU in a {@link Local} and added in when a run ends.
 */
public final class TcgStats {
    /** Why control returned from translated code to the dispatcher (or never entered it). */
    public enum Exit {
        /** Computed jump or mode change (BR, BLR, RET, ERET, SVC, MSR, ...): resolved through the jump cache. */
        INDIRECT,
        /** Static exit not (yet) linked: first execution, or cross-page target. */
        UNLINKED,
        /** Synchronous exception taken inside the block. */
        EXCEPTION,
        /** The block was invalidated by self-modifying code while running. */
        INVALIDATED,
        /** Exit request (interrupt, stop, another vCPU) seen at a block boundary or back-edge. */
        EXIT_REQUEST,
        /** Instruction budget of the run reached. */
        BUDGET
    }

    /** Why TBs were invalidated. */
    public enum Invalidation {
        /** A guest store hit translated code (self-modifying code). */
        GUEST_WRITE,
        /** A host-side write (loader, DMA, debugger) hit translated code. */
        HOST_WRITE,
        /** Dropped by a flush. */
        FLUSH
    }

    /** Per-vCPU run-side counters, owned by one thread. */
    static final class Local {
        long jumpCacheHits;
        long jumpCacheMisses;
        long globalLookups;
        long globalHits;
        long chainedExits;
        long regionEntries;
        long regionUnmappedExits;
        long interpretedInsns;
        long translatedInsns;
        /** Block starts found hot in a loop before the {@code hot} threshold ({@code TcgExecutor.LOOP_HOT}). */
        long loopHotStarts;
        final long[] exits = new long[Exit.values().length];

        void clear() {
            jumpCacheHits = jumpCacheMisses = globalLookups = globalHits = chainedExits = regionEntries = 0;
            regionUnmappedExits = 0;
            interpretedInsns = translatedInsns = loopHotStarts = 0;
            java.util.Arrays.fill(exits, 0);
        }
    }

    long tbsTranslated;
    long guestInsnsTranslated;
    long bytecodeBytes;
    long maxTbInsns;
    long translationNanos;
    /**
     * CPU time of the translating thread over the same spans as {@link #translationNanos} (wall time, which
     * includes waiting for a core: on a busy host, twice the CPU time or more).
     */
    long translationCpuNanos;
    long discarded;
    long untranslatable;
    long failures;
    String lastFailure;
    long flushes;
    long linksMade;
    long regionsFormed;
    /** Regions formed for a hot loop (named for early compilation: {@code RegionTranslator.HOT_LOOP_PREFIX}). */
    long regionsHotLoop;
    /** Regions not formed: no loop through the head, method too large, raced with an invalidation, no room. */
    long regionsRejected;
    long regionTbs;
    /** Members of formed regions that a member's BR, BLR or RET was recorded going to. */
    long regionIndirectTargets;
    /** Members of formed regions on another virtual page than their head. */
    long regionOtherPageTbs;
    long regionGuestInsns;
    long regionBytecodeBytes;
    long regionNanos;
    /** Regions dropped because a member's page was mapped elsewhere on {@link TbRegion#MAX_UNMAPPED} entries. */
    long regionsUnmapped;
    final long[] invalidations = new long[Invalidation.values().length];

    private long jumpCacheHits;
    private long jumpCacheMisses;
    private long globalLookups;
    private long globalHits;
    private long chainedExits;
    private long backEdges;
    private long regionEntries;
    private long regionUnmappedExits;
    private long regionTransitions;
    private long interpretedInsns;
    private long loopHotStarts;
    private long translatedInsns;
    private final long[] exits = new long[Exit.values().length];

    // Snapshot of the cache, filled by TbCache when a report is made.
    int liveTbs;
    long usedBytes;
    long budgetBytes;
    int hashBuckets;
    int hashUsedBuckets;
    int hashLongestChain;
    int codePages;

    synchronized void add(Local l, long backEdgeDelta, long regionTransitionDelta) {
        jumpCacheHits += l.jumpCacheHits;
        jumpCacheMisses += l.jumpCacheMisses;
        globalLookups += l.globalLookups;
        globalHits += l.globalHits;
        chainedExits += l.chainedExits;
        backEdges += backEdgeDelta;
        regionEntries += l.regionEntries;
        regionUnmappedExits += l.regionUnmappedExits;
        regionTransitions += regionTransitionDelta;
        interpretedInsns += l.interpretedInsns;
        loopHotStarts += l.loopHotStarts;
        translatedInsns += l.translatedInsns;
        for (int i = 0; i < exits.length; i++) {
            exits[i] += l.exits[i];
        }
        l.clear();
    }

    public synchronized long tbsTranslated() {
        return tbsTranslated;
    }

    public synchronized long guestInsnsTranslated() {
        return guestInsnsTranslated;
    }

    public synchronized long bytecodeBytes() {
        return bytecodeBytes;
    }

    public synchronized long translationNanos() {
        return translationNanos;
    }

    public synchronized long translationCpuNanos() {
        return translationCpuNanos;
    }

    public synchronized long flushes() {
        return flushes;
    }

    public synchronized long invalidations(Invalidation cause) {
        return invalidations[cause.ordinal()];
    }

    public synchronized long jumpCacheHits() {
        return jumpCacheHits;
    }

    public synchronized long jumpCacheMisses() {
        return jumpCacheMisses;
    }

    public synchronized long globalLookups() {
        return globalLookups;
    }

    /**
     * Exits that continued in translated code without a lookup: followed links, self-loop back-edges and
     * transitions between the members of a region.
     */
    public synchronized long chainedExits() {
        return chainedExits + backEdges + regionTransitions;
    }

    public synchronized long regionsFormed() {
        return regionsFormed;
    }

    /** Over all regions formed: members that a member's BR, BLR or RET was recorded going to. */
    public synchronized long regionIndirectTargets() {
        return regionIndirectTargets;
    }

    /** Over all regions formed: members on another virtual page than their region's head. */
    public synchronized long regionOtherPageTbs() {
        return regionOtherPageTbs;
    }

    /** Dispatches that entered a region instead of its head TB. */
    public synchronized long regionEntries() {
        return regionEntries;
    }

    /** Region runs that ended at a member whose page the fetch TLB did not map to that member's physical page. */
    public synchronized long regionUnmappedExits() {
        return regionUnmappedExits;
    }

    public synchronized long regionsUnmapped() {
        return regionsUnmapped;
    }

    /** Transitions from one region member to another (or itself) inside the region's method. */
    public synchronized long regionTransitions() {
        return regionTransitions;
    }

    public synchronized long backEdges() {
        return backEdges;
    }

    public synchronized long exits(Exit cause) {
        return exits[cause.ordinal()];
    }

    /** All block exits: chained ones and those that went back to the dispatcher. */
    public synchronized long totalExits() {
        long n = chainedExits + backEdges + regionTransitions;
        for (long e : exits) {
            n += e;
        }
        return n;
    }

    public synchronized long interpretedInsns() {
        return interpretedInsns;
    }

    public synchronized long translatedInsns() {
        return translatedInsns;
    }

    public synchronized long linksMade() {
        return linksMade;
    }

    /** A human-readable report in the spirit of QEMU's {@code info jit}. */
    public synchronized String report() {
        StringBuilder s = new StringBuilder();
        long total = totalExits();
        s.append("Translation buffer state:\n");
        line(s, "gen code size", "%d/%d bytes (estimated host footprint since the last flush)", usedBytes,
                budgetBytes);
        line(s, "TB count", "%d live, %d translated, %d discarded (raced with a write), %d untranslatable",
                liveTbs, tbsTranslated, discarded, untranslatable);
        if (failures > 0) {
            line(s, "translation failures", "%d (last: %s)", failures, lastFailure);
        }
        line(s, "TB avg target size", "%.1f guest insns (max %d)", ratio(guestInsnsTranslated, tbsTranslated),
                maxTbInsns);
        line(s, "TB avg host size", "%.0f bytecode bytes (class file)", ratio(bytecodeBytes, tbsTranslated));
        line(s, "TB hash buckets", "%d/%d (%.1f%% used), longest chain %d", hashUsedBuckets, hashBuckets,
                100 * ratio(hashUsedBuckets, hashBuckets), hashLongestChain);
        line(s, "TB hash occupancy", "%.1f%% (%d TBs / %d buckets)", 100 * ratio(liveTbs, hashBuckets), liveTbs,
                hashBuckets);
        line(s, "code pages", "%d", codePages);
        s.append("\nStatistics:\n");
        line(s, "TB flush count", "%d", flushes);
        line(s, "TB invalidate count", "%d guest write, %d host write, %d by flush",
                invalidations[0], invalidations[1], invalidations[2]);
        line(s, "translation time", "%.1f ms (%.1f us/TB), CPU %.1f ms (%.1f us/TB)", translationNanos / 1e6,
                ratio(translationNanos, tbsTranslated) / 1e3, translationCpuNanos / 1e6,
                ratio(translationCpuNanos, tbsTranslated) / 1e3);
        line(s, "direct links made", "%d", linksMade);
        line(s, "regions", "%d formed (%d hot loops; avg %.1f TBs, %.1f guest insns, %.0f bytecode bytes), %d rejected, "
                + "%.1f ms", regionsFormed, regionsHotLoop, ratio(regionTbs, regionsFormed),
                ratio(regionGuestInsns, regionsFormed), ratio(regionBytecodeBytes, regionsFormed), regionsRejected,
                regionNanos / 1e6);
        line(s, "region members", "%d targets of recorded BR/BLR/RET exits, %d on another page than the head",
                regionIndirectTargets, regionOtherPageTbs);
        line(s, "chained exits", "%d of %d (%.1f%%; %d self-loop back-edges, %d in-region transitions)",
                chainedExits(), total, 100 * ratio(chainedExits(), total), backEdges, regionTransitions);
        line(s, "region entries", "%d (%d left at a member's page mapped elsewhere; %d regions dropped for it)",
                regionEntries, regionUnmappedExits, regionsUnmapped);
        StringBuilder ex = new StringBuilder();
        for (Exit e : Exit.values()) {
            ex.append(String.format(Locale.ROOT, "%s%s=%d", ex.isEmpty() ? "" : ", ",
                    e.name().toLowerCase(Locale.ROOT), exits[e.ordinal()]));
        }
        line(s, "exits to dispatcher", "%s", ex);
        line(s, "jump cache", "%d hits, %d misses (%.1f%% hit)", jumpCacheHits, jumpCacheMisses,
                100 * ratio(jumpCacheHits, jumpCacheHits + jumpCacheMisses));
        line(s, "global lookups", "%d (%d found)", globalLookups, globalHits);
        line(s, "instructions", "%d interpreted, %d translated (%.1f%% translated)", interpretedInsns,
                translatedInsns, 100 * ratio(translatedInsns, translatedInsns + interpretedInsns));
        line(s, "hot in a loop", "%d block starts sent to translation early (%d executions within %d insns each)",
                loopHotStarts, TcgExecutor.LOOP_HOT, TcgExecutor.HOT_LOOP_INSNS);
        return s.toString();
    }

    private static void line(StringBuilder s, String name, String format, Object... args) {
        s.append(String.format(Locale.ROOT, "%-22s", name)).append(String.format(Locale.ROOT, format, args))
                .append('\n');
    }

    private static double ratio(double a, double b) {
        return b == 0 ? 0 : a / b;
    }
}
