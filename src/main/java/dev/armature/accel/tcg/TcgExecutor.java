package dev.armature.accel.tcg;

import dev.armature.accel.CpuExecutor;
import dev.armature.accel.interp.Interpreter;
import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.ExecutionProbe;
import dev.armature.arch.aarch64.SyncException;

import java.util.Arrays;

/**
 * One vCPU's translated execution: the dispatcher loop. Per block start it follows the previous TB's link if
 * there is one (no lookup), else looks in this vCPU's jump cache (direct-mapped by virtual PC), else in the
 * global cache; code not yet hot is interpreted a block at a time with the {@link Interpreter} while its start
 * is counted, and translated once the count reaches {@link TcgConfig#hot()}.
 *
 * <p>A TB dispatched {@link TcgConfig#regionHot()} times becomes the head of a {@link TbRegion} if a loop runs
 * through it; from then on its dispatches enter the region, which runs the loop's blocks in one method.
 *
 * <p>Exit requests (interrupts, stop, other vCPUs) are checked before every dispatch and, in generated code, after
 * blocks that may call out (where this vCPU may raise its own); a run of generated code ends within
 * {@code ExecCounters.RUN_SLICE} instructions, so a translated loop sees the others within that many. Interrupts
 * are taken the same way as the interpreter takes them.
 *
 * <p>An executor belongs to one vCPU thread; running it on another Cpu drops its jump cache first.
 */
public final class TcgExecutor implements CpuExecutor {
    private static final int JUMP_CACHE_BITS = 12;
    private static final int HEAT_BITS = 12;
    private static final long PAGE_MASK = ~0xfffL;
    /**
     * A region head whose heat built up within this many guest instructions per dispatch on average is a hot loop
     * (the vCPU ran little else meanwhile; a region holds at most 96 instructions): its class gets its own name, for
     * HotSpot's compile policy ({@link RegionTranslator#HOT_LOOP_PREFIX}).
     */
    static final long HOT_LOOP_INSNS = 128;

    private final TcgEngine engine;
    private final TbCache cache;
    private final Interpreter interpreter;
    private final int hot;
    private final int maxInsns;
    private final Tb[] jumpCache = new Tb[1 << JUMP_CACHE_BITS];
    /**
     * Per jump-cache entry, side by side so a hit is checked without loading the TB's key: [2j] its virtual PC,
     * [2j + 1] its physical page | its flags (which fit in the page offset's 12 bits, see {@link TbKey#flagsOf}).
     */
    private final long[] jumpKeys = new long[2 << JUMP_CACHE_BITS];
    /**
     * Cold blocks and their heat, by hashed virtual PC h, five longs side by side (one or two cache lines per
     * cold block start), at {@code COLD_STRIDE * h} plus: COLD_PC, the PC of the block last found cold there;
     * COLD_PAGE, its physical page | flags as in {@link #jumpKeys}; COLD_SINCE, the cache's
     * {@link TbCache#inserts()} count before the lookup that missed; HEAT, the executions of block starts with
     * this hash while cold (collisions only make a block hot early); HEAT_START, the vCPU's instruction count when
     * that heat went from 0 to 1. While the mapping and the insert count are unchanged, no TB for the block can
     * exist, so its next start skips the jump cache (which cannot hold it) and the global lookup. Apart from the
     * jump cache, so cold blocks do not evict hot ones.
     */
    private final long[] cold = new long[COLD_STRIDE << HEAT_BITS];
    private static final int COLD_PC = 0;
    private static final int COLD_PAGE = 1;
    private static final int COLD_SINCE = 2;
    private static final int HEAT = 3;
    private static final int HEAT_START = 4;
    private static final int COLD_STRIDE = 5;
    /**
     * A block start that reaches this heat within {@link #HOT_LOOP_INSNS} guest instructions per execution on
     * average (it runs in a loop) is translated then, without waiting for the {@code hot} threshold: a loop pays
     * back its translation at once, while code run now and then (most of an OS boot's) is cheaper interpreted.
     */
    static final int LOOP_HOT = 1000;
    private final TbContext ctx = new TbContext();
    private final TcgStats.Local local = new TcgStats.Local();
    private final int regionHot;
    private long reportedBackEdges;
    private long reportedRegionTransitions;
    /**
     * The TB (or region member) whose exit the next lookup resolves, if it ended normally: the next TB is recorded
     * as its exit target ({@link Tb#recordExitTarget}) when no link can hold it, for regions to follow.
     */
    private Tb exitedFrom;
    /** The region the last {@link #step} entered, or null. */
    private TbRegion steppedRegion;

    private Cpu boundCpu;
    private long seenCacheGeneration;

    TcgExecutor(TcgEngine engine) {
        this.engine = engine;
        this.cache = engine.cache();
        this.interpreter = new Interpreter(engine.decodeCache(), engine.config().maxInsns());
        this.hot = engine.config().hot();
        this.maxInsns = engine.config().maxInsns();
        this.regionHot = engine.config().regionHot();
    }

    @Override
    public long instructions() {
        return ctx.icount;
    }

    /**
     * Generated code that holds an instruction which may call this (a counter read, WFI, a device access) keeps
     * the count at the running block's start in {@code ctx.icount} and that start in {@code ctx.blockPc}
     * ({@link ExecCounters}), so the PC's distance from the block's start is the rest.
     */
    @Override
    public long instructionsNow(Cpu cpu) {
        return ctx.icount + ((cpu.pc - ctx.blockPc) >>> 2);
    }

    @Override
    public boolean run(Cpu cpu, long budget) {
        bind(cpu);
        ctx.limit = budget > Long.MAX_VALUE - ctx.icount ? Long.MAX_VALUE : ctx.icount + budget;
        cpu.executing = true;
        cpu.memory.serviceFlushRequests(); // after 'executing' is visible: see CpuMemory's shootdown protocol
        try {
            Tb prev = null;
            exitedFrom = null;
            while (ctx.icount < ctx.limit) {
                if (cpu.exitRequest != 0) {
                    exitedFrom = null; // an interrupt may be taken: the next block is no exit target
                    if (prev != null) {
                        local.exits[TcgStats.Exit.EXIT_REQUEST.ordinal()]++;
                        prev = null;
                    }
                    if (Interpreter.serviceExitRequest(cpu)) {
                        return true;
                    }
                }
                prev = dispatch(cpu, prev);
            }
            if (prev != null) {
                local.exits[TcgStats.Exit.BUDGET.ordinal()]++;
            }
            return false;
        } finally {
            cpu.executing = false;
            ctx.blockPc = cpu.pc;
            publishStats();
        }
    }

    /**
     * Executes exactly one dispatch: one TB (without chaining or repeating a self-loop), its region (members up
     * to {@link TcgConfig#maxInsns()} instructions in all, so a region is checked too) or one instruction if the
     * code is not translated. Does not look at exit requests. For the lockstep tester.
     *
     * @return the TB run (a region's head), or null if an instruction was interpreted
     */
    Tb step(Cpu cpu) {
        bind(cpu);
        cpu.executing = true; // as in run: translations' barriers wait for this step to end
        cpu.memory.serviceFlushRequests();
        try {
            Tb from = exitedFrom;
            exitedFrom = null;
            Tb tb = lookup(cpu);
            if (tb == null) {
                steppedRegion = null;
                ctx.limit = ctx.icount + 1;
                interpretBlock(cpu);
                return null;
            }
            recordExitTarget(from, cpu.pc, tb); // every exit goes through here, so only unlinkable ones count
            TbRegion r = tb.region;
            if (r != null && r.valid) {
                steppedRegion = r;
                ctx.limit = ctx.icount + maxInsns; // at least the head: every TB is within tb-insns
                enter(cpu, r);
            } else {
                steppedRegion = null;
                ctx.limit = ctx.icount + tb.insns.length; // one pass: no room for a self-loop's second
                execute(cpu, tb);
            }
            return tb;
        } finally {
            cpu.executing = false;
            ctx.blockPc = cpu.pc;
            publishStats();
        }
    }

    /** The region the last {@link #step} ran (entered at the TB it returned), or null if it ran no region. */
    TbRegion steppedRegion() {
        return steppedRegion;
    }

    /** Runs the next block; returns the TB to chain from next, or null if the next block needs a lookup. */
    private Tb dispatch(Cpu cpu, Tb prev) {
        long pc = cpu.pc;
        Tb from = exitedFrom;
        exitedFrom = null;
        Tb tb = null;
        if (prev != null) {
            tb = prev.successor(pc);
            if (tb != null) {
                local.chainedExits++;
            } else {
                local.exits[TcgStats.Exit.UNLINKED.ordinal()]++;
            }
        }
        if (tb == null) {
            tb = lookup(cpu);
            if (tb == null) {
                interpretBlock(cpu);
                return null;
            }
            // Only same-page links: the page's mapping was valid when prev was entered, so it still holds here.
            if (prev != null && ((prev.key.va() ^ pc) & PAGE_MASK) == 0) {
                cache.link(prev, pc, tb);
            } else {
                recordExitTarget(from, pc, tb);
            }
        }
        if (tb.insns.length > ctx.limit - ctx.icount) {
            interpretBlock(cpu); // the budget ends inside this TB: run exactly up to it
            return null;
        }
        TbRegion r = tb.region;
        if (r != null && r.valid) {
            return enter(cpu, r);
        }
        return execute(cpu, tb);
    }

    /** Runs {@code tb}; returns it if its exit may be chained, else null (and counts why not). */
    private Tb execute(Cpu cpu, Tb tb) {
        if (regionHot > 0) {
            if (tb.heat++ == 0) {
                tb.heatSince = ctx.icount;
            }
            if (tb.heat >= (long) regionHot << tb.regionAttempts) {
                boolean hotLoop = ranInLoop(tb.heatSince, tb.heat);
                tb.heat = 0;
                if (tb.regionAttempts < 6) {
                    tb.regionAttempts++; // back off: a TB where no loop was found is looked at ever less often
                }
                TbRegion r = tb.region;
                if (r == null || !r.valid) {
                    engine.regionHot(tb, hotLoop);
                }
            }
        }
        long before = ctx.icount;
        ctx.blockPc = tb.key.va();
        int result = tb.exec(cpu, ctx);
        local.translatedInsns += ctx.icount - before;
        return exited(tb, result);
    }

    /**
     * Runs region {@code r} (its head fits the budget); returns the member it left from if that member's exit may
     * be chained, else null.
     */
    private Tb enter(Cpu cpu, TbRegion r) {
        long before = ctx.icount;
        ctx.blockPc = r.members[0].key.va();
        int result = r.exec(cpu, ctx);
        local.translatedInsns += ctx.icount - before;
        local.regionEntries++;
        Tb last = r.member(ctx.blockPc);
        if (result == Tb.EXIT_UNMAPPED) {
            local.regionUnmappedExits++;
            last.forgetExitTargets(cpu.pc); // the next lookup records the current mapping's TB
            if (++r.unmappedExits == TbRegion.MAX_UNMAPPED) {
                cache.dropRegion(r); // a remapped member: let the head form a region for the current mapping
            }
            result = Tb.EXIT_NORMAL; // the member that ran last ended normally
        } else {
            r.unmappedExits = 0;
        }
        return exited(last, result);
    }

    /**
     * Whether {@code heat} executions counted since the vCPU's instruction count was {@code since} came at most
     * {@link #HOT_LOOP_INSNS} instructions apart on average: the vCPU ran little but a loop meanwhile.
     */
    private boolean ranInLoop(long since, long heat) {
        return ctx.icount - since <= heat * HOT_LOOP_INSNS;
    }

    /**
     * Records {@code to} as an exit target of {@code from} (null: the previous block did not end normally) if
     * {@code from}'s exit to {@code pc} is one that no link holds: indirect, or static to another page.
     */
    private static void recordExitTarget(Tb from, long pc, Tb to) {
        if (from != null && (!from.staticExit || ((from.key.va() ^ pc) & PAGE_MASK) != 0)) {
            from.recordExitTarget(to.key);
        }
    }

    /** Counts why {@code tb} (which ended with {@code result}) went back to the dispatcher; returns it if chainable. */
    private Tb exited(Tb tb, int result) {
        exitedFrom = result == Tb.EXIT_NORMAL ? tb : null;
        switch (result) {
            case Tb.EXIT_NORMAL -> {
                if (tb.staticExit) {
                    return tb; // counted when the next dispatch follows (or fails to follow) a link
                }
                local.exits[TcgStats.Exit.INDIRECT.ordinal()]++;
            }
            case Tb.EXIT_EXCEPTION -> local.exits[TcgStats.Exit.EXCEPTION.ordinal()]++;
            default -> local.exits[TcgStats.Exit.INVALIDATED.ordinal()]++;
        }
        return null;
    }

    /**
     * Jump cache, then global cache, then (when hot) translation. Null: interpret.
     *
     * <p>A jump-cache hit is checked against the current fetch TLB (same virtual page mapped to the TB's physical
     * page), so TLB invalidations and ASID switches need no flush of the jump cache: a TB whose page was unmapped,
     * remapped or belongs to another ASID's mapping fails the check and is looked up again by physical address.
     * A block that is still cold is remembered with the cache's insert count (see {@link #cold}), so until
     * some TB is added its next starts count its heat without probing the jump cache or a global lookup.
     */
    private Tb lookup(Cpu cpu) {
        long pc = cpu.pc;
        if ((pc & 3) != 0 || cpu.il) {
            return null; // the interpreter raises the PC alignment or illegal state fault
        }
        long cacheGeneration = cache.generation();
        if (cacheGeneration != seenCacheGeneration) {
            clearJumpCache(); // everything was flushed: let the old TBs be unloaded
            seenCacheGeneration = cacheGeneration;
        }
        int flags = TbKey.flagsOf(cpu);
        long pagePa = cpu.memory.fetchPagePa(pc); // -1 if the fetch TLB does not hold it: matches no key
        long inserts = cache.inserts(); // before the lookup: see TbCache.inserts
        long[] cold = this.cold;
        int c = ((int) (pc >>> 2) & ((1 << HEAT_BITS) - 1)) * COLD_STRIDE;
        long pa;
        Tb tb;
        if (cold[c + COLD_PC] == pc && cold[c + COLD_PAGE] == (pagePa | flags) && cold[c + COLD_SINCE] == inserts) {
            local.jumpCacheMisses++;
            pa = pagePa | (pc & ~PAGE_MASK);
            tb = null;
        } else {
            int j = (int) (pc >>> 2) & (jumpCache.length - 1);
            tb = jumpCache[j];
            if (jumpKeys[2 * j] == pc && jumpKeys[2 * j + 1] == (pagePa | flags) && tb != null && tb.valid) {
                local.jumpCacheHits++;
                return tb;
            }
            local.jumpCacheMisses++;
            try {
                pa = cpu.memory.translateFetch(pc);
            } catch (SyncException e) {
                return null; // the interpreter takes the instruction abort
            }
            local.globalLookups++;
            tb = cache.get(pa, pc, flags);
        }
        if (tb != null) {
            local.globalHits++;
        } else {
            long heat = ++cold[c + HEAT];
            if (heat == 1) {
                cold[c + HEAT_START] = ctx.icount;
            }
            boolean loopHot = heat >= LOOP_HOT && ranInLoop(cold[c + HEAT_START], heat);
            if (heat < hot && !loopHot) {
                cold[c + COLD_PC] = pc;
                cold[c + COLD_PAGE] = (pa & PAGE_MASK) | flags;
                cold[c + COLD_SINCE] = inserts;
                return null;
            }
            cold[c + HEAT] = 0;
            cold[c + COLD_PC] = -1L; // look it up again next time: it may be translated by then
            if (heat < hot) {
                local.loopHotStarts++;
            }
            tb = engine.hot(pc, pa, flags, cpu.memory);
            if (tb == null) {
                return null;
            }
        }
        int j = (int) (pc >>> 2) & (jumpCache.length - 1);
        jumpCache[j] = tb;
        jumpKeys[2 * j] = pc;
        jumpKeys[2 * j + 1] = (pa & PAGE_MASK) | flags;
        return tb;
    }

    /** Interprets up to one block's worth of instructions (same end rules as a TB). */
    private void interpretBlock(Cpu cpu) {
        exitedFrom = null;
        ctx.blockPc = cpu.pc;
        long max = Math.min(maxInsns, ctx.limit - ctx.icount);
        ExecutionProbe probe = cpu.probe;
        long n = probe == null ? interpreter.runBlock(cpu, max) : interpreter.runWithProbe(cpu, max, probe);
        ctx.icount += n;
        local.interpretedInsns += n;
    }

    private void bind(Cpu cpu) {
        if (cpu != boundCpu) {
            clearJumpCache();
            for (int c = 0; c < cold.length; c += COLD_STRIDE) {
                cold[c + COLD_PC] = -1L;
                cold[c + HEAT] = 0;
            }
            boundCpu = cpu;
            seenCacheGeneration = cache.generation();
        }
    }

    private void clearJumpCache() {
        Arrays.fill(jumpCache, null);
        Arrays.fill(jumpKeys, -1L); // no PC: PCs here are 4-byte aligned
    }

    private void publishStats() {
        engine.stats().add(local, ctx.backEdges - reportedBackEdges,
                ctx.regionTransitions - reportedRegionTransitions);
        reportedBackEdges = ctx.backEdges;
        reportedRegionTransitions = ctx.regionTransitions;
    }
}
