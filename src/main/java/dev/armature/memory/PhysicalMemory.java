package dev.armature.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The guest physical address space: RAM regions backed by off-heap memory and MMIO regions dispatched to
 * device callbacks. All guest data is little-endian.
 *
 * <p>Locking: the region list is copy-on-write (a volatile array); mapping changes are rare and made by the
 * board or the VM API, reads come from every vCPU thread without a lock.
 *
 * <p>Lifetime of RAM. vCPU soft TLBs reach RAM by raw host address ({@link HostRam}), which nothing checks, so
 * backing memory must stay mapped while any vCPU could hold an entry to it. RAM from this object's arena
 * ({@link #addRam(String, long, long)}, {@link #allocate}) is freed only by {@link #close}, which its owner (the VM)
 * calls once no vCPU runs; unmapping such a region keeps its memory until then. Caller-owned backing
 * ({@link #addRam(String, long, MemorySegment)}) must be freed only when unreachable: TLB entries keep a reference
 * to it, so memory of an automatic arena is safe, an explicitly closed arena is not.
 */
public final class PhysicalMemory implements AutoCloseable {
    /** Guest byte, halfword, word and doubleword layouts (little-endian, unaligned allowed). */
    public static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;
    public static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Arena arena = Arena.ofShared();
    private volatile Region[] regions = new Region[0];
    private final CodePages codePages = new CodePages();
    private final DirtyLog dirtyLog = new DirtyLog();

    /** Maps {@code size} bytes of zeroed RAM at {@code base} and returns its backing segment. */
    public synchronized MemorySegment addRam(String name, long base, long size) {
        MemorySegment seg = AnonymousMemory.allocate(arena, size);
        add(new Region(name, base, size, seg, null));
        return seg;
    }

    /** Allocates {@code size} bytes of zeroed RAM that lives until {@link #close}, for a region made by the caller. */
    public MemorySegment allocate(long size) {
        return AnonymousMemory.allocate(arena, size);
    }

    /**
     * Maps caller-owned RAM at {@code base}: the Linux user-mode runner backs each guest mapping with its own
     * segment so that unmapping lets the host memory go (the shared arena frees only on {@link #close}). The
     * backing must be freed by the garbage collector (an automatic arena), never closed explicitly: vCPU TLB
     * entries may still hold its address after the region is removed, and keep it reachable until then.
     */
    public synchronized void addRam(String name, long base, MemorySegment backing) {
        add(new Region(name, base, backing.byteSize(), backing, null));
    }

    /** Maps an MMIO region whose accesses call {@code handler} with offsets from {@code base}. */
    public synchronized void addMmio(String name, long base, long size, MmioHandler handler) {
        add(new Region(name, base, size, null, handler));
    }

    /** Unmaps the region called {@code name}; translations of code in it are invalidated. */
    public synchronized void remove(String name) {
        List<Region> list = new ArrayList<>(List.of(regions));
        Region gone = list.stream().filter(r -> r.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no region named " + name));
        list.remove(gone);
        regions = list.toArray(Region[]::new);
        codePages.written(gone.base(), gone.size(), false); // translations of its code are stale now
    }

    /** Maps a region as given (RAM or MMIO, with its protection). */
    public synchronized void addRegion(Region r) {
        add(r);
    }

    /**
     * Replaces {@code old} by {@code parts} in one step (vCPUs see either the old map or the new one): how the
     * VM API splits a region to unmap or protect part of it. The parts may only cover part of {@code old}; code
     * translated from {@code old} is invalidated.
     */
    public synchronized void replace(Region old, List<Region> parts) {
        List<Region> list = new ArrayList<>(List.of(regions));
        if (!list.remove(old)) {
            throw new IllegalArgumentException("region " + old.name() + " is not mapped");
        }
        Region[] before = regions;
        regions = list.toArray(Region[]::new);
        try {
            for (Region p : parts) {
                add(p);
            }
        } catch (IllegalArgumentException e) {
            regions = before;
            throw e;
        }
        codePages.written(old.base(), old.size(), false);
    }

    private void add(Region r) {
        if (r.size() <= 0) {
            throw new IllegalArgumentException("region " + r.name() + " has no size");
        }
        for (Region o : regions) {
            if (Long.compareUnsigned(r.base(), o.end()) < 0 && Long.compareUnsigned(o.base(), r.end()) < 0) {
                throw new IllegalArgumentException(String.format("region %s [0x%x..0x%x) overlaps %s [0x%x..0x%x)",
                        r.name(), r.base(), r.end(), o.name(), o.base(), o.end()));
            }
        }
        List<Region> list = new ArrayList<>(List.of(regions));
        list.add(r);
        list.sort(Comparator.comparingLong(Region::base));
        regions = list.toArray(Region[]::new);
    }

    /** Pages holding translated code; writes through this class and through vCPU TLBs report to it. */
    public CodePages codePages() {
        return codePages;
    }

    /** Pages written while live migration logs them; writes through this class report to it. */
    public DirtyLog dirtyLog() {
        return dirtyLog;
    }

    /** The regions, sorted by base address. */
    public List<Region> regions() {
        return List.of(regions);
    }

    /** The region holding {@code pa}, or null. */
    public Region find(long pa) {
        for (Region r : regions) {
            if (r.contains(pa)) {
                return r;
            }
        }
        return null;
    }

    /** Reads {@code size} (1, 2, 4, 8) bytes, zero-extended. Throws {@link BusError} if nothing is mapped. */
    public long read(long pa, int size) {
        Region r = find(pa);
        if (r == null || !r.contains(pa + size - 1)) {
            throw new BusError(pa, "read of unmapped memory");
        }
        long off = pa - r.base();
        if (r.isRam()) {
            return load(r.ram(), off, size);
        }
        return r.mmio().read(off, size);
    }

    /** Writes {@code size} (1, 2, 4, 8) bytes. Throws {@link BusError} if nothing is mapped. */
    public void write(long pa, int size, long value) {
        Region r = find(pa);
        if (r == null || !r.contains(pa + size - 1)) {
            throw new BusError(pa, "write to unmapped memory");
        }
        long off = pa - r.base();
        if (r.isRam()) {
            store(r.ram(), off, size, value);
            codePages.written(pa, size, false);
            dirtyLog.mark(pa, size);
        } else {
            r.mmio().write(off, size, value);
        }
    }

    /** Reads {@code size} (1, 2, 4, 8) little-endian bytes at {@code off} of {@code seg}, zero-extended. */
    public static long load(MemorySegment seg, long off, int size) {
        return switch (size) {
            case 1 -> seg.get(U8, off) & 0xffL;
            case 2 -> seg.get(U16, off) & 0xffffL;
            case 4 -> seg.get(U32, off) & 0xffff_ffffL;
            case 8 -> seg.get(U64, off);
            default -> throw new IllegalArgumentException("access size " + size);
        };
    }

    /** Writes the low {@code size} (1, 2, 4, 8) bytes of {@code value} little-endian at {@code off} of {@code seg}. */
    public static void store(MemorySegment seg, long off, int size, long value) {
        switch (size) {
            case 1 -> seg.set(U8, off, (byte) value);
            case 2 -> seg.set(U16, off, (short) value);
            case 4 -> seg.set(U32, off, (int) value);
            case 8 -> seg.set(U64, off, value);
            default -> throw new IllegalArgumentException("access size " + size);
        }
    }

    /** Copies host bytes into RAM (loaders, DMA). The whole range must be RAM of one region. */
    public void writeBytes(long pa, byte[] data) {
        ramSlice(pa, data.length).copyFrom(MemorySegment.ofArray(data));
        codePages.written(pa, data.length, false);
        dirtyLog.mark(pa, data.length);
    }

    /** Copies RAM out to the host. The whole range must be RAM of one region. */
    public byte[] readBytes(long pa, int length) {
        return ramSlice(pa, length).toArray(ValueLayout.JAVA_BYTE);
    }

    /**
     * A view of {@code length} bytes of RAM at {@code pa}; throws BusError if not all RAM in one region. Writers
     * through the view report what they wrote to {@link #codePages()} and {@link #dirtyLog()} themselves.
     */
    public MemorySegment ramSlice(long pa, long length) {
        Region r = find(pa);
        if (r == null || !r.isRam() || (length > 0 && !r.contains(pa + length - 1))) {
            throw new BusError(pa, "range of 0x" + Long.toHexString(length) + " bytes is not RAM");
        }
        return r.ram().asSlice(pa - r.base(), length);
    }

    /** Frees the RAM of this object's arena: only once no vCPU can access it any more (see the class comment). */
    @Override
    public void close() {
        arena.close();
    }
}
