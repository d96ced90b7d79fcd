package dev.armature.iommu;

import static dev.armature.vm.Errno.EINVAL;

/**
 * How a memory target's bytes are divided, from its 1M-aligned base: a contiguous pool first (its size rounded up to
 * a multiple of 1M), then 1M, 64K and 4K block pools, each block aligned to its size.
 */
public record PoolLayout(long contiguousBytes, int blocks1M, int blocks64K, int blocks4K) {
    public PoolLayout {
        if (contiguousBytes < 0 || (contiguousBytes & 0xfff) != 0 || blocks1M < 0 || blocks64K < 0 || blocks4K < 0) {
            throw Refusal.of(EINVAL, "pool layout %d/%d/%d/%d: sizes must be non-negative, the contiguous "
                    + "pool a multiple of 4K", contiguousBytes, blocks1M, blocks64K, blocks4K);
        }
    }

    /** The contiguous pool's size: {@code contiguousBytes} rounded up to 1M. */
    public long contiguousPool() {
        return (contiguousBytes + 0xfffff) & ~0xfffffL;
    }

    /** Bytes the layout spans. */
    public long span() {
        return contiguousPool() + blocks1M * PageSize.SIZE_1M.bytes() + blocks64K * PageSize.SIZE_64K.bytes()
                + blocks4K * PageSize.SIZE_4K.bytes();
    }
}
