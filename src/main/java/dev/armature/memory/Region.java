package dev.armature.memory;

import java.lang.foreign.MemorySegment;

/** One mapped range of the guest physical address space: RAM (backed by {@code ram}) or MMIO ({@code mmio}). */
public record Region(String name, long base, long size, MemorySegment ram, MmioHandler mmio) {
    public boolean contains(long pa) {
        return Long.compareUnsigned(pa - base, size) < 0;
    }

    public boolean isRam() {
        return ram != null;
    }

    public long end() {
        return base + size;
    }
}
