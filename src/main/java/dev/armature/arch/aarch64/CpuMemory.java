package dev.armature.arch.aarch64;

import dev.armature.memory.BusError;
import dev.armature.memory.PhysicalMemory;
import dev.armature.memory.Region;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A vCPU's view of memory: virtual addresses through the current translation regime ({@link Mmu}) to the guest
 * physical address space, with a software TLB for RAM pages (like QEMU's softmmu TLB).
 *
 * <p>TLB rules: entries cache VA page → (RAM segment, offset) per access kind for the current regime. They are
 * flushed whenever what they were derived from changes: a mode change (EL), translation registers (SCTLR,
 * TTBRx, TCR, MAIR), any TLBI, and physical map changes. MMIO pages are never cached.
 *
 * <p>Translated code: pages holding translated code ({@link dev.armature.memory.CodePages}) never keep a WRITE
 * entry, so every write to them takes the slow path, which reports it to the translator.
 */
public final class CpuMemory {
    public static final int READ = 0;
    public static final int WRITE = 1;
    public static final int FETCH = 2;

    private static final int PAGE_BITS = 12;
    private static final long PAGE_MASK = (1L << PAGE_BITS) - 1;
    private static final int TLB_SIZE = 256;

    private final PhysicalMemory phys;
    private Cpu cpu;
    private final Mmu mmu = new Mmu();

    // One direct-mapped table per access kind: tag = VA page number + 1 (0 = empty).
    private final long[][] tag = new long[3][TLB_SIZE];
    private final MemorySegment[][] seg = new MemorySegment[3][TLB_SIZE];
    /** Offset into seg of the page's first byte. */
    private final long[][] off = new long[3][TLB_SIZE];
    /** Counts TLB flushes, so caches keyed by virtual address (the translator's jump cache) know to flush too. */
    private long tlbGeneration;

    public CpuMemory(PhysicalMemory phys) {
        this.phys = phys;
        phys.codePages().addWritableMappings(this::dropWritable);
    }

    void attach(Cpu owner) {
        this.cpu = owner;
    }

    public PhysicalMemory physical() {
        return phys;
    }

    public Mmu mmu() {
        return mmu;
    }

    /** Drops every cached translation. */
    public void flushTlb() {
        for (long[] t : tag) {
            java.util.Arrays.fill(t, 0);
        }
        tlbGeneration++;
    }

    /** Incremented by every {@link #flushTlb}: virtual-to-physical mappings may have changed since. */
    public long tlbGeneration() {
        return tlbGeneration;
    }

    void modeChanged() {
        flushTlb();
    }

    public long read(long va, int size) {
        long page = va >>> PAGE_BITS;
        int i = (int) page & (TLB_SIZE - 1);
        long o = va & PAGE_MASK;
        if (tag[READ][i] == page + 1 && o + size <= 1L << PAGE_BITS) {
            return PhysicalMemory.load(seg[READ][i], off[READ][i] + o, size);
        }
        return slowRead(va, size, READ);
    }

    public void write(long va, int size, long value) {
        long page = va >>> PAGE_BITS;
        int i = (int) page & (TLB_SIZE - 1);
        long o = va & PAGE_MASK;
        if (tag[WRITE][i] == page + 1 && o + size <= 1L << PAGE_BITS) {
            PhysicalMemory.store(seg[WRITE][i], off[WRITE][i] + o, size, value);
            return;
        }
        slowWrite(va, size, value);
    }

    /** Fetches the instruction word at {@code va}. PC alignment is checked by the executor. */
    public int fetch(long va) {
        long page = va >>> PAGE_BITS;
        int i = (int) page & (TLB_SIZE - 1);
        if (tag[FETCH][i] == page + 1) {
            return (int) PhysicalMemory.load(seg[FETCH][i], off[FETCH][i] + (va & PAGE_MASK), 4);
        }
        return (int) slowRead(va, 4, FETCH);
    }

    private long slowRead(long va, int size, int kind) {
        if ((va & PAGE_MASK) + size > 1L << PAGE_BITS) {
            // Crosses a page: assemble from bytes, each translated on its own.
            long value = 0;
            for (int b = 0; b < size; b++) {
                value |= slowRead(va + b, 1, kind) << (8 * b);
            }
            return value;
        }
        long pa = mmu.translate(cpu, va, kind);
        try {
            Region region = phys.find(pa);
            if (region != null && region.isRam() && region.contains(pa + size - 1)) {
                fill(kind, va, region, pa);
                return PhysicalMemory.load(region.ram(), pa - region.base(), size);
            }
            return phys.read(pa, size);
        } catch (BusError e) {
            throw externalAbort(va, kind, size);
        }
    }

    private void slowWrite(long va, int size, long value) {
        if ((va & PAGE_MASK) + size > 1L << PAGE_BITS) {
            for (int b = 0; b < size; b++) {
                slowWrite(va + b, 1, value >>> (8 * b));
            }
            return;
        }
        long pa = mmu.translate(cpu, va, WRITE);
        try {
            Region region = phys.find(pa);
            if (region != null && region.isRam() && region.contains(pa + size - 1)) {
                fill(WRITE, va, region, pa);
                PhysicalMemory.store(region.ram(), pa - region.base(), size, value);
                phys.codePages().written(pa, size, true);
                return;
            }
            phys.write(pa, size, value);
        } catch (BusError e) {
            throw externalAbort(va, WRITE, size);
        }
    }

    private void fill(int kind, long va, Region region, long pa) {
        long pageStart = (pa & ~PAGE_MASK) - region.base();
        if (pageStart < 0 || pageStart + (1L << PAGE_BITS) > region.size()) {
            return; // region smaller than a page: never cache
        }
        int i = (int) (va >>> PAGE_BITS) & (TLB_SIZE - 1);
        seg[kind][i] = region.ram();
        off[kind][i] = pageStart;
        if (kind != WRITE) {
            tag[kind][i] = (va >>> PAGE_BITS) + 1;
            return;
        }
        // Publish, then re-check: pairs with CodePages.mark -> dropWritable (see CodePages).
        TAG.setVolatile(tag[WRITE], i, (va >>> PAGE_BITS) + 1);
        if (phys.codePages().isCode(pa)) {
            tag[WRITE][i] = 0;
        }
    }

    // ---- support for the translator ----

    private static final VarHandle TAG = MethodHandles.arrayElementVarHandle(long[].class);

    /**
     * Drops WRITE entries mapping the physical page at {@code pagePa}: it now holds translated code. Called from
     * the translating thread, possibly not this vCPU's; a write racing with it is ordered before the translation.
     */
    private void dropWritable(long pagePa) {
        Region region = phys.find(pagePa);
        if (region == null || !region.isRam()) {
            return;
        }
        MemorySegment ram = region.ram();
        long pageStart = pagePa - region.base();
        for (int i = 0; i < TLB_SIZE; i++) {
            if ((long) TAG.getVolatile(tag[WRITE], i) != 0 && seg[WRITE][i] == ram && off[WRITE][i] == pageStart) {
                TAG.setVolatile(tag[WRITE], i, 0L);
            }
        }
    }

    /** The physical address instructions at {@code va} are fetched from; throws the abort a fetch would take. */
    public long translateFetch(long va) {
        return mmu.translate(cpu, va, FETCH);
    }

    /** Synchronous external abort on an access the bus did not answer. */
    SyncException externalAbort(long va, int kind, int size) {
        return abort(va, kind, Esr.FSC_SYNC_EXTERNAL);
    }

    /** A data or instruction abort for {@code va} with the given fault status code. */
    public SyncException abort(long va, int kind, int fsc) {
        boolean lower = cpu.el == 0;
        if (kind == FETCH) {
            return new SyncException(lower ? Esr.EC_IABT_LOWER : Esr.EC_IABT_SAME, fsc, va, true, cpu.pc);
        }
        int iss = fsc | (kind == WRITE ? 1 << 6 : 0);
        return new SyncException(lower ? Esr.EC_DABT_LOWER : Esr.EC_DABT_SAME, iss, va, true, cpu.pc);
    }

    /** Alignment fault unless {@code va} is aligned to {@code size} (exclusives, atomics, acquire/release). */
    public void checkAligned(long va, int size, int kind) {
        if ((va & (size - 1)) != 0) {
            throw abort(va, kind, Esr.FSC_ALIGNMENT);
        }
    }
}
