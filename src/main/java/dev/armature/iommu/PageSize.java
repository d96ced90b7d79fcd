package dev.armature.iommu;

import java.util.List;

/** The SMMU's page and section sizes; the physical allocator's block pools use the first three. */
public enum PageSize {
    SIZE_4K(4L << 10), SIZE_64K(64L << 10), SIZE_1M(1L << 20), SIZE_16M(16L << 20);

    /** Largest first, the order in which mappings and allocations prefer them. */
    public static final List<PageSize> DESCENDING = List.of(SIZE_16M, SIZE_1M, SIZE_64K, SIZE_4K);

    private final long bytes;

    PageSize(long bytes) {
        this.bytes = bytes;
    }

    public long bytes() {
        return bytes;
    }

    /** The size of exactly {@code bytes}, or null. */
    public static PageSize of(long bytes) {
        for (PageSize s : values()) {
            if (s.bytes == bytes) {
                return s;
            }
        }
        return null;
    }

    /** The largest size that divides both addresses and fits in {@code length} (at least 4K if length allows). */
    static PageSize largestFitting(long va, long pa, long length) {
        for (PageSize s : DESCENDING) {
            if (length >= s.bytes && ((va | pa) & (s.bytes - 1)) == 0) {
                return s;
            }
        }
        return null;
    }
}
