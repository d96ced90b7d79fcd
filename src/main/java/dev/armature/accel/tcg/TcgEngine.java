package dev.armature.accel.tcg;

import dev.armature.accel.Accelerator;
import dev.armature.arch.aarch64.CpuMemory;
import dev.armature.arch.aarch64.DecodeCache;
import dev.armature.arch.aarch64.ExecutionProbe;
import dev.armature.arch.aarch64.Insn;
import dev.armature.memory.CodePages;
import dev.armature.memory.PhysicalMemory;
import dev.armature.memory.Region;

import java.util.ArrayList;
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
 */
public final class TcgEngine implements Accelerator {
    private final PhysicalMemory phys;
    private final DecodeCache decodeCache;
    private final TcgConfig config;
    private final TcgStats stats = new TcgStats();
    private final TbCache cache;
    private final TbTranslator translator = new TbTranslator();
    /** Blocks queued for background translation. */
    private final Set<TbKey> pending = ConcurrentHashMap.newKeySet();
    private final ThreadPoolExecutor background = new ThreadPoolExecutor(0, 1, 1, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), r -> Thread.ofPlatform().name("tcg-translator").daemon(true).unstarted(r));
    /** What new translations instrument ({@link ProbeEmitter}); null: nothing. */
    private volatile ExecutionProbe probe;
    /** Bounds the queue: beyond it hot blocks just stay interpreted until they are counted hot again. */
    private static final int MAX_PENDING = 256;

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
     * @return the TB, or null if it is not available yet (queued, not in RAM, or raced with a write)
     */
    Tb hot(long va, long pa, int flags) {
        if (!config.background()) {
            return translate(va, pa, flags);
        }
        TbKey key = new TbKey(pa, va, flags);
        if (pending.size() < MAX_PENDING && pending.add(key)) {
            background.execute(() -> {
                try {
                    translate(va, pa, flags);
                } catch (RuntimeException | LinkageError e) {
                    synchronized (stats) {
                        stats.failures++;
                        stats.lastFailure = key + ": " + e;
                    }
                } finally {
                    pending.remove(key);
                }
            });
        }
        return null;
    }

    /**
     * Translates the block at {@code va} (physical {@code pa}) for the given flags and adds it to the cache.
     *
     * @return the TB, or null if the code is not in RAM or a write raced with the translation
     */
    Tb translate(long va, long pa, int flags) {
        long t0 = System.nanoTime();
        Region region = phys.find(pa);
        if (region == null || !region.isRam() || !region.allows(CpuMemory.FETCH)) {
            synchronized (stats) {
                stats.untranslatable++;
            }
            return null;
        }
        long sequence = cache.sequence();
        phys.codePages().mark(pa); // before reading the words: later writes are reported
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
        Tb tb = translator.translate(key, insns.toArray(Insn[]::new), words, staticExit,
                ProbeEmitter.Plan.of(probe, va, insns.size()));
        // A vCPU store that passed its TLB check just before mark() dropped its write entry is not reported, yet
        // may land after the words were read: check them again (translation took far longer than that store).
        for (int i = 0; i < insns.size(); i++) {
            if ((int) PhysicalMemory.load(region.ram(), pa + 4L * i - region.base(), 4) != words[i]) {
                synchronized (stats) {
                    stats.discarded++;
                }
                return null;
            }
        }
        Tb result = cache.insert(tb, sequence);
        synchronized (stats) {
            stats.tbsTranslated++;
            stats.guestInsnsTranslated += insns.size();
            stats.bytecodeBytes += tb.codeBytes;
            stats.maxTbInsns = Math.max(stats.maxTbInsns, insns.size());
            stats.translationNanos += System.nanoTime() - t0;
        }
        return result;
    }
}
