package dev.armature.memory;

import java.lang.foreign.MemorySegment;

/**
 * One mapped range of the guest physical address space: RAM (backed by {@code ram}) or MMIO ({@code mmio}).
 *
 * @param name unique among the regions of one {@link PhysicalMemory} (how {@link PhysicalMemory#remove} names it)
 * @param base first guest physical address
 * @param size in bytes
 * @param ram  the backing memory of a RAM region, null for MMIO
 * @param mmio the handler of an MMIO region, null for RAM
 * @param prot the accesses vCPUs may make: {@link #PROT_READ}, {@link #PROT_WRITE}, {@link #PROT_EXEC} (an
 *             embedder's page protection, like Unicorn's {@code uc_mem_protect}; boards map everything
 *             {@link #PROT_ALL}). A refused access is a permission fault for the vCPU; host accesses ignore it.
 */
public record Region(String name, long base, long size, MemorySegment ram, MmioHandler mmio, int prot) {
    /** No access. */
    public static final int PROT_NONE = 0;
    /** Loads. */
    public static final int PROT_READ = 1;
    /** Stores (atomics need it too). */
    public static final int PROT_WRITE = 2;
    /** Instruction fetches. */
    public static final int PROT_EXEC = 4;
    /** Everything: what boards map. */
    public static final int PROT_ALL = PROT_READ | PROT_WRITE | PROT_EXEC;

    /** A region vCPUs may read, write and execute. */
    public Region(String name, long base, long size, MemorySegment ram, MmioHandler mmio) {
        this(name, base, size, ram, mmio, PROT_ALL);
    }

    /** Whether {@code pa} is inside the region. */
    public boolean contains(long pa) {
        return Long.compareUnsigned(pa - base, size) < 0;
    }

    /** RAM (else MMIO). */
    public boolean isRam() {
        return ram != null;
    }

    /** The first address after the region. */
    public long end() {
        return base + size;
    }

    /** Whether a vCPU access of this kind (0 read, 1 write, 2 fetch: CpuMemory's kinds) is allowed. */
    public boolean allows(int kind) {
        return (prot & (1 << kind)) != 0; // the PROT_* bits are in kind order
    }
}
