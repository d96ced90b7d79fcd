package dev.armature.accel.tcg;

import dev.armature.accel.Accelerator;
import dev.armature.arch.aarch64.CpuMemory;
import dev.armature.arch.aarch64.DecodeCache;
import dev.armature.arch.aarch64.ExecutionProbe;
import dev.armature.arch.aarch64.Insn;
import dev.armature.memory.CodePages;
import dev.armature.memory.PhysicalMemory;
import dev.armature.memory.Region;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The translator shared by all vCPUs of a machine: configuration, global TB cache, code generator and
 * statistics. Each vCPU thread runs its own {@link TcgExecutor} made by {@link #newExecutor()}.
 *
 * <p>Creating the engine registers it as the physical memory's code-write listener: from then on guest and
 * host writes to pages holding translated code invalidate the TBs they overlap.
 *
 * <p>With {@link TcgConfig#background()}, hot blocks are queued to one translator thread (started on demand,
 * gone when idle) and the vCPU interprets them until the TB is in the cache; a block is queued once at a time.
 * Hot region heads ({@link TcgConfig#regionHot()}) go the same way; the vCPU runs the plain TBs meanwhile.
 */
public final class TcgEngine implements Accelerator {
    private final PhysicalMemory phys;
    private final DecodeCache decodeCache;
    private final TcgConfig config;
    private final TcgStats stats = new TcgStats();
    private final TbCache cache;
    private final TbTranslator translator = new TbTranslator();
    private final RegionTranslator regionTranslator = new RegionTranslator();
    /** Blocks queued for background translation. */
    private final Set<TbKey> pending = ConcurrentHashMap.newKeySet();
    /** Region heads queued for background region compilation. */
    private final Set<Tb> pendingRegions = ConcurrentHashMap.newKeySet();
    private final ThreadPoolExecutor background = new ThreadPoolExecutor(0, 1, 1, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), r -> Thread.ofPlatform().name("tcg-translator").daemon(true).unstarted(r));
    /** What new translations instrument ({@link ProbeEmitter}); null: nothing. */
    private volatile ExecutionProbe probe;
    /** Bounds the queue: beyond it hot blocks just stay interpreted until they are counted hot again. */
    private static final int MAX_PENDING = 256;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    public TcgEngine(PhysicalMemory phys, DecodeCache decodeCache, TcgConfig config) {
        this.phys = phys;
        this.decodeCache = decodeCache;
        this.config = config;
        this.cache = new TbCache(phys.codePages(), stats, config.codeBudgetBytes());
        phys.codePages().setListener(this::codeWritten);
    }

    public TcgConfig config() {
        return config;
    }

    DecodeCache decodeCache() {
        return decodeCache;
    }

    TbCache cache() {
        return cache;
    }

    /** Counters; call {@link #report()} for a formatted snapshot. */
    public TcgStats stats() {
        return stats;
    }

    /** The {@code info jit}-style report: cache shape now plus counters merged from finished runs. */
    @Override
    public String report() {
        cache.snapshot();
        return stats.report();
    }

    @Override
    public TcgExecutor newExecutor() {
        return new TcgExecutor(this);
    }

    /** Drops all translations (also done automatically when the code budget is full). */
    @Override
    public void flush() {
        cache.flush();
    }

    /**
     * Sets the probe new translations call (the one installed in the vCPUs' {@link dev.armature.arch.aarch64.Cpu#probe})
     * and drops every translation made for the previous one.
     */
    @Override
    public void instrument(ExecutionProbe p) {
        probe = p;
        cache.flush();
    }

    private void codeWritten(long pa, long size, boolean byCpu) {
        cache.invalidate(pa, size,
                byCpu ? TcgStats.Invalidation.GUEST_WRITE : TcgStats.Invalidation.HOST_WRITE);
    }

    /**
     * The block at {@code va} (physical {@code pa}) became hot: translates it now, or queues it for the background
     * translator.
     *
     * @param self the memory of the vCPU asking, which translates on its own thread if not in the background
     * @return the TB, or null if it is not available yet (queued, not in RAM, or raced with a write)
     */
    Tb hot(long va, long pa, int flags, CodePages.WritableMappings self) {
        if (!config.background()) {
            return translate(va, pa, flags, self);
        }
        TbKey key = new TbKey(pa, va, flags);
        queue(pending, key, key.toString(), () -> translate(va, pa, flags, null));
        return null;
    }

    /**
     * Runs {@code job} on the background translator unless {@code item} is already queued there (or too many are);
     * a failure is counted in the statistics as {@code what}'s, not thrown: the code stays interpreted or plain.
     */
    private <T> void queue(Set<T> queued, T item, String what, Runnable job) {
        if (queued.size() < MAX_PENDING && queued.add(item)) {
            background.execute(() -> {
                try {
                    job.run();
                } catch (RuntimeException | LinkageError e) {
                    synchronized (stats) {
                        stats.failures++;
                        stats.lastFailure = what + ": " + e;
                    }
                } finally {
                    queued.remove(item);
                }
            });
        }
    }

    /**
     * The TB {@code head} was dispatched {@link TcgConfig#regionHot()} times: forms a {@link TbRegion} headed by it
     * now, or queues that for the background translator. Nothing while a probe instruments new translations:
     * regions hold no probe calls.
     *
     * @param hotLoop whether the head's dispatches came in a tight loop ({@link TcgExecutor#HOT_LOOP_INSNS}): the
     *                region's class is then named for early compilation ({@link RegionTranslator#HOT_LOOP_PREFIX})
     */
    void regionHot(Tb head, boolean hotLoop) {
        if (probe != null) {
            return;
        }
        if (!config.background()) {
            formRegion(head, hotLoop);
            return;
        }
        queue(pendingRegions, head, head + " (region)", () -> formRegion(head, hotLoop));
    }

    /**
     * Selects the members of a region headed by {@code head} ({@link RegionSelector}), compiles it and makes the
     * head enter it ({@link TbCache#addRegion}).
     *
     * @param hotLoop see {@link #regionHot}
     * @return the region, or null if the head is in a valid region already, there is no loop through the head,
     *         its method would be too large, a member was invalidated meanwhile, or it does not fit the code budget
     */
    TbRegion formRegion(Tb head, boolean hotLoop) {
        if (cache.inValidRegion(head)) {
            return null;
        }
        long t0 = System.nanoTime();
        Tb[] members = RegionSelector.select(cache, head);
        TbRegion r = members == null ? null : regionTranslator.translate(members, hotLoop);
        boolean added = r != null && cache.addRegion(r);
        synchronized (stats) {
            if (added) {
                stats.regionsFormed++;
                if (hotLoop) {
                    stats.regionsHotLoop++;
                }
                stats.regionTbs += members.length;
                stats.regionIndirectTargets += RegionSelector.indirectTargets(members);
                stats.regionOtherPageTbs += RegionSelector.offHeadPage(members);
                stats.regionGuestInsns += r.insns();
                stats.regionBytecodeBytes += r.codeBytes;
            } else {
                stats.regionsRejected++;
            }
            stats.regionNanos += System.nanoTime() - t0;
        }
        return added ? r : null;
    }

    /**
     * Translates the block at {@code va} (physical {@code pa}) for the given flags and adds it to the cache.
     *
     * <p>Writes racing with the translation: the cache sequence is sampled first, then the page is marked (which
     * returns only when every store that missed the mark is visible here, see {@link CodePages}), then the words
     * are read. A write after the mark is reported and invalidates, which changes the sequence, and the insert
     * drops this translation; so no TB of stale words can enter the cache.
     *
     * @param self the translating vCPU's memory (see {@link CodePages#mark}), or null off the vCPU threads
     * @return the TB, or null if the code is not in RAM or a write raced with the translation
     */
    Tb translate(long va, long pa, int flags, CodePages.WritableMappings self) {
        long t0 = System.nanoTime();
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        Region region = phys.find(pa);
        if (region == null || !region.isRam() || !region.allows(CpuMemory.FETCH)) {
            synchronized (stats) {
                stats.untranslatable++;
            }
            return null;
        }
        long sequence = cache.sequence();
        phys.codePages().mark(pa, self); // before reading the words: later writes are reported
        List<Insn> insns = new ArrayList<>();
        int[] words = new int[config.maxInsns()];
        boolean staticExit;
        long p = pa;
        while (true) {
            int word = (int) PhysicalMemory.load(region.ram(), p - region.base(), 4);
            Insn insn = decodeCache.get(word);
            words[insns.size()] = word;
            insns.add(insn);
            p += 4;
            if (insn.endsBlock()) {
                staticExit = TbTranslator.isDirectBranch(word);
                break;
            }
            if (insns.size() == config.maxInsns() || (p & ((1L << CodePages.PAGE_BITS) - 1)) == 0
                    || !region.contains(p + 3)) {
                staticExit = true; // falls through to the next block
                break;
            }
        }
        TbKey key = new TbKey(pa, va, flags);
        Tb tb = translator.translate(key, insns.toArray(Insn[]::new), Arrays.copyOf(words, insns.size()), staticExit,
                ProbeEmitter.Plan.of(probe, va, insns.size()));
        Tb result = cache.insert(tb, sequence);
        synchronized (stats) {
            stats.tbsTranslated++;
            stats.guestInsnsTranslated += insns.size();
            stats.bytecodeBytes += tb.codeBytes;
            stats.maxTbInsns = Math.max(stats.maxTbInsns, insns.size());
            stats.translationNanos += System.nanoTime() - t0;
            stats.translationCpuNanos += THREADS.getCurrentThreadCpuTime() - cpu0;
        }
        return result;
    }
}
