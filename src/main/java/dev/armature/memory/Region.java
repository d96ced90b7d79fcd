package dev.armature.memory;

import java.lang.foreign.MemorySegment;

/**
 * One mapped range of the guest physical address space: RAM (backed by {@code ram}) or MMIO ({@code mmio}).
 *
 * @param prot the accesses vCPUs may make: {@link #PROT_READ}, {@link #PROT_WRITE}, {@link #PROT_EXEC} (an
 *             embedder's page protection, like Unicorn's {@code uc_mem_protect}; boards map everything
 *             {@link #PROT_ALL}). A refused access is a permission fault for the vCPU; host accesses ignore it.
 */
public record Region(String name, long base, long size, MemorySegment ram, MmioHandler mmio, int prot) {
    public static final int PROT_NONE = 0;
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int PROT_EXEC = 4;
    public static final int PROT_ALL = PROT_READ | PROT_WRITE | PROT_EXEC;

    /** A region vCPUs may read, write and execute. */
    public Region(String name, long base, long size, MemorySegment ram, MmioHandler mmio) {
        this(name, base, size, ram, mmio, PROT_ALL);
    }

    public boolean contains(long pa) {
        return Long.compareUnsigned(pa - base, size) < 0;
    }

    public boolean isRam() {
        return ram != null;
    }

    public long end() {
        return base + size;
    }

    /** Whether a vCPU access of this kind (0 read, 1 write, 2 fetch: CpuMemory's kinds) is allowed. */
    public boolean allows(int kind) {
        return (prot & (1 << kind)) != 0; // the PROT_* bits are in kind order
    }
}
