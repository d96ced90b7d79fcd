package dev.armature.iommu;

import dev.armature.memory.BusError;
import dev.armature.memory.PhysicalMemory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.armature.vm.Errno.EINVAL;

/**
 * A pool of physical memory that allocations are drawn from: a range of guest RAM or host-side memory the guest
 * cannot see. Each target has a physical address range (for guest RAM, its guest physical addresses; for host
 * memory, a range the creator picks outside guest RAM) divided by a {@link PoolLayout}. Create targets with
 * {@link Vcmm#addGuestRamTarget} or {@link Vcmm#addHostTarget}.
 */
public final class MemoryTarget {
    private final String name;
    private final long base;
    private final MemorySegment bytes;
    private final PhysicalMemory guest; // null for host memory
    private final Arena arena;          // owns host memory; null for guest RAM
    final PhysicalAllocator allocator;

    private MemoryTarget(String name, long base, PoolLayout layout, MemorySegment bytes, PhysicalMemory guest,
                         Arena arena) {
        this.name = name;
        this.base = base;
        this.bytes = bytes;
        this.guest = guest;
        this.arena = arena;
        this.allocator = new PhysicalAllocator(base, layout);
    }

    static MemoryTarget guestRam(String name, PhysicalMemory memory, long base, PoolLayout layout) {
        checkBase(base);
        MemorySegment seg;
        try {
            seg = memory.ramSlice(base, layout.span());
        } catch (BusError e) {
            throw Refusal.of(EINVAL, "target %s: %s", name, e.getMessage());
        }
        return new MemoryTarget(name, base, layout, seg, memory, null);
    }

    static MemoryTarget host(String name, long base, PoolLayout layout) {
        checkBase(base);
        Arena arena = Arena.ofShared();
        return new MemoryTarget(name, base, layout, arena.allocate(layout.span(), 4096), null, arena);
    }

    private static void checkBase(long base) {
        if (base < 0 || (base & 0xfffff) != 0) {
            throw Refusal.of(EINVAL, "target base 0x%x is not 1M aligned", base);
        }
    }

    public String name() {
        return name;
    }

    public long base() {
        return base;
    }

    public long size() {
        return bytes.byteSize();
    }

    /** True for guest RAM, false for host-side memory. */
    public boolean isGuestRam() {
        return guest != null;
    }

    boolean contains(long pa) {
        return pa - base >= 0 && pa - base < size();
    }

    boolean overlaps(long otherBase, long otherSize) {
        return otherBase < base + size() && base < otherBase + otherSize;
    }

    void read(long pa, byte[] dst, int offset, int length) {
        MemorySegment.copy(bytes, ValueLayout.JAVA_BYTE, pa - base, dst, offset, length);
    }

    void write(long pa, byte[] src, int offset, int length) {
        MemorySegment.copy(src, offset, bytes, ValueLayout.JAVA_BYTE, pa - base, length);
        if (guest != null) {
            guest.codePages().written(pa, length, false); // DMA over translated guest code makes it stale
            guest.dirtyLog().mark(pa, length);
        }
    }

    /** Free space and fragmentation of this target's pools. */
    public PoolStats stats() {
        return allocator.stats();
    }

    void close() {
        if (arena != null) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return String.format("%s [0x%x..0x%x)", name, base, base + size());
    }
}
