package dev.armature.iommu;

import java.util.EnumSet;
import java.util.Set;

import static dev.armature.vm.Errno.EINVAL;

/**
 * The attributes of a physical allocation request (the seed's {@code phys_attr}).
 *
 * @param contiguous take one range from the target's contiguous pool instead of pool blocks
 * @param alignment physical alignment (a power of two, at least 4K): of the range when contiguous, of every
 *                  block otherwise (so block sizes below it are not used)
 * @param blockSizes which block pools may be used (largest first), when not contiguous
 */
public record AllocationRequest(boolean contiguous, long alignment, Set<PageSize> blockSizes) {
    private static final Set<PageSize> POOLS = EnumSet.of(PageSize.SIZE_4K, PageSize.SIZE_64K, PageSize.SIZE_1M);

    /** Pool blocks of any size, the largest that fit. */
    public static final AllocationRequest BLOCKS = new AllocationRequest(false, 4096, POOLS);

    /** One physically contiguous, 4K-aligned range. */
    public static final AllocationRequest CONTIGUOUS = new AllocationRequest(true, 4096, Set.of());

    public AllocationRequest {
        if (alignment < 4096 || Long.bitCount(alignment) != 1) {
            throw Refusal.of(EINVAL, "alignment 0x%x is not a power of two of at least 4K", alignment);
        }
        if (!contiguous && (blockSizes.isEmpty() || !POOLS.containsAll(blockSizes))) {
            throw Refusal.of(EINVAL, "block sizes %s: choose among 4K, 64K and 1M", blockSizes);
        }
        blockSizes = Set.copyOf(blockSizes);
    }

    /** One contiguous range aligned to {@code alignment}. */
    public static AllocationRequest contiguous(long alignment) {
        return new AllocationRequest(true, alignment, Set.of());
    }

    /** Pool blocks of the given sizes only. */
    public static AllocationRequest blocks(PageSize first, PageSize... more) {
        return new AllocationRequest(false, 4096, EnumSet.of(first, more));
    }
}
