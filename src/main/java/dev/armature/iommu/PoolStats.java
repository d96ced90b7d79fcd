package dev.armature.iommu;

import java.util.Map;

/**
 * A snapshot of a memory target's free space.
 *
 * @param contiguousFree free bytes in the contiguous pool
 * @param contiguousLargest the largest free range of the contiguous pool
 * @param contiguousFragments how many separate free ranges the contiguous pool has
 * @param freeBlocks free blocks per pool size
 * @param totalBlocks blocks per pool size
 */
public record PoolStats(long contiguousFree, long contiguousLargest, int contiguousFragments,
                        Map<PageSize, Integer> freeBlocks, Map<PageSize, Integer> totalBlocks) {
    /** Free bytes in all pools. */
    public long freeBytes() {
        long sum = contiguousFree;
        for (Map.Entry<PageSize, Integer> e : freeBlocks.entrySet()) {
            sum += e.getKey().bytes() * e.getValue();
        }
        return sum;
    }

    /** External fragmentation of the contiguous pool: 0 when its free space is one range, towards 1 when scattered. */
    public double fragmentation() {
        return contiguousFree == 0 ? 0 : 1.0 - (double) contiguousLargest / contiguousFree;
    }
}
