package dev.armature.arch.aarch64;

import dev.armature.memory.BusError;
import dev.armature.memory.PhysicalMemory;
import dev.armature.memory.Region;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A vCPU's view of memory: virtual addresses through the current translation regime ({@link Mmu}) to the guest
 * physical address space, with a software TLB for RAM pages (like QEMU's softmmu TLB).
 *
 * <p>TLB rules: entries cache VA page → (RAM segment, offset) per access kind for the current regime. They are
 * flushed whenever what they were derived from changes: a mode change (EL), translation registers (SCTLR,
 * TTBRx, TCR, MAIR), any TLBI, and physical map changes. MMIO pages are never cached.
 *
 * <p>Atomics: exclusives and LSE atomics use {@link #compareAndExchange} and friends, which operate directly on
 * the RAM segment with host compare-and-swap, so they are atomic against every other vCPU thread. They are
 * defined for RAM only: an atomic access to MMIO (or unmapped space) is a synchronous external abort.
 */
public final class CpuMemory {
    public static final int READ = 0;
    public static final int WRITE = 1;
    public static final int FETCH = 2;

    private static final int PAGE_BITS = 12;
    private static final long PAGE_MASK = (1L << PAGE_BITS) - 1;
    private static final int TLB_SIZE = 256;

    /*
     * Guest memory is little-endian; these layouts are explicitly little-endian, so CAS works on big-endian hosts
     * too (the VarHandle byte-swaps). They are naturally aligned, as host atomic access modes require: guest
     * atomics are checked for natural alignment first and RAM segments are page-aligned.
     */
    private static final VarHandle ATOMIC_INT =
            ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle ATOMIC_LONG =
            ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    /** Serialises 128-bit atomics (LDXP/STXP/CASP of X pairs), which no host CAS covers; striped by address. */
    private static final Object[] PAIR_LOCKS = new Object[64];

    static {
        for (int i = 0; i < PAIR_LOCKS.length; i++) {
            PAIR_LOCKS[i] = new Object();
        }
    }

    private final PhysicalMemory phys;
    private Cpu cpu;
    private final Mmu mmu = new Mmu();

    // One direct-mapped table per access kind: tag = VA page number + 1 (0 = empty).
    private final long[][] tag = new long[3][TLB_SIZE];
    private final MemorySegment[][] seg = new MemorySegment[3][TLB_SIZE];
    /** Offset into seg of the page's first byte. */
    private final long[][] off = new long[3][TLB_SIZE];

    // Result of locateAtomic (this object is owned by one vCPU thread, so fields avoid allocating a pair).
    private MemorySegment atomicSeg;
    private long atomicOff;
    /** High 64 bits of the last 128-bit atomic's result. */
    private long pairHigh;

    public CpuMemory(PhysicalMemory phys) {
        this.phys = phys;
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
        tag[kind][i] = (va >>> PAGE_BITS) + 1;
        seg[kind][i] = region.ram();
        off[kind][i] = pageStart;
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

    // ---- atomics (RAM only; callers check natural alignment first) ----

    /** Single-copy-atomic read of an aligned {@code size}-byte location for an atomic read-modify-write. */
    public long atomicRead(long va, int size) {
        locateAtomic(va, size, WRITE);
        return switch (size) {
            case 8 -> (long) ATOMIC_LONG.getVolatile(atomicSeg, atomicOff);
            case 4 -> (int) ATOMIC_INT.getVolatile(atomicSeg, atomicOff) & 0xffff_ffffL;
            default -> {
                int word = (int) ATOMIC_INT.getVolatile(atomicSeg, atomicOff & ~3L);
                yield (word >>> laneShift(atomicOff)) & sizeMask(size);
            }
        };
    }

    /**
     * Atomically replaces the aligned {@code size}-byte value at {@code va} with {@code value} if it equals
     * {@code expected} (both taken modulo the size). Returns the value found (zero-extended): equal to
     * {@code expected} exactly when the store happened. Sequentially consistent, like the host CAS.
     */
    public long compareAndExchange(long va, int size, long expected, long value) {
        locateAtomic(va, size, WRITE);
        MemorySegment s = atomicSeg;
        long o = atomicOff;
        switch (size) {
            case 8:
                return (long) ATOMIC_LONG.compareAndExchange(s, o, expected, value);
            case 4:
                return (int) ATOMIC_INT.compareAndExchange(s, o, (int) expected, (int) value) & 0xffff_ffffL;
            default:
                // Bytes and halfwords: CAS the aligned word that holds them, retrying if only its other lanes moved.
                long mask = sizeMask(size);
                int shift = laneShift(o);
                long wordOff = o & ~3L;
                long exp = expected & mask;
                while (true) {
                    int word = (int) ATOMIC_INT.getVolatile(s, wordOff);
                    long found = (word >>> shift) & mask;
                    if (found != exp) {
                        return found;
                    }
                    int updated = (int) ((word & ~(mask << shift)) | ((value & mask) << shift));
                    if (ATOMIC_INT.compareAndSet(s, wordOff, word, updated)) {
                        return found;
                    }
                }
        }
    }

    /**
     * Atomic 128-bit read of the 16-byte aligned location at {@code va} (LDXP of X registers). Returns the low
     * 64 bits; the high 64 bits are then in {@link #pairHigh()}.
     */
    public long atomicReadPair(long va, int kind) {
        locateAtomic(va, 16, kind);
        synchronized (pairLock()) {
            pairHigh = (long) ATOMIC_LONG.getVolatile(atomicSeg, atomicOff + 8);
            return (long) ATOMIC_LONG.getVolatile(atomicSeg, atomicOff);
        }
    }

    /**
     * 128-bit compare-and-exchange at the 16-byte aligned {@code va} (CASP/STXP of X registers). Returns the low
     * 64 bits found, the high 64 bits are then in {@link #pairHigh()}; the store happened exactly when both equal
     * the expected values.
     *
     * <p>Java has no 128-bit CAS, so these operations are serialised by a lock striped by address: they are
     * atomic against each other on every vCPU, but a plain or 64-bit atomic store racing with them on the same
     * 16 bytes may be lost. Guests use 128-bit atomics on locations only updated by 128-bit atomics.
     */
    public long compareAndExchangePair(long va, long expectedLow, long expectedHigh, long low, long high) {
        locateAtomic(va, 16, WRITE);
        MemorySegment s = atomicSeg;
        long o = atomicOff;
        synchronized (pairLock()) {
            long foundLow = (long) ATOMIC_LONG.getVolatile(s, o);
            long foundHigh = (long) ATOMIC_LONG.getVolatile(s, o + 8);
            if (foundLow == expectedLow && foundHigh == expectedHigh) {
                ATOMIC_LONG.setVolatile(s, o, low);
                ATOMIC_LONG.setVolatile(s, o + 8, high);
            }
            pairHigh = foundHigh;
            return foundLow;
        }
    }

    /** High 64 bits of the last {@link #atomicReadPair} or {@link #compareAndExchangePair} result. */
    public long pairHigh() {
        return pairHigh;
    }

    private Object pairLock() {
        return PAIR_LOCKS[(int) ((atomicSeg.address() + atomicOff) >>> 4) & (PAIR_LOCKS.length - 1)];
    }

    /** Byte position of a sub-word lane inside its aligned little-endian 32-bit word, in bits. */
    private static int laneShift(long offset) {
        return (int) (offset & 3) * 8;
    }

    private static long sizeMask(int size) {
        return size == 1 ? 0xffL : 0xffffL;
    }

    /**
     * Translates an aligned atomic access to its RAM segment and offset, or throws the abort it takes. Atomic
     * stores bypass {@link #write}: any write tracking added to the write path (code pages, dirty logging) must
     * be applied here too.
     */
    private void locateAtomic(long va, int size, int kind) {
        long page = va >>> PAGE_BITS;
        int i = (int) page & (TLB_SIZE - 1);
        if (tag[kind][i] == page + 1) {
            atomicSeg = seg[kind][i];
            atomicOff = off[kind][i] + (va & PAGE_MASK);
        } else {
            long pa = mmu.translate(cpu, va, kind);
            Region region = phys.find(pa);
            if (region == null || !region.isRam() || !region.contains(pa + size - 1)) {
                throw externalAbort(va, kind, size);
            }
            fill(kind, va, region, pa);
            atomicSeg = region.ram();
            atomicOff = pa - region.base();
        }
        // Host atomics need the host address aligned, and sub-word CAS needs the enclosing word inside the
        // segment. Both hold for page-aligned RAM; a region at an odd base cannot be accessed atomically.
        if (((atomicSeg.address() + atomicOff) & (size - 1)) != 0 || (atomicOff | 3) >= atomicSeg.byteSize()) {
            throw externalAbort(va, kind, size);
        }
    }
}
