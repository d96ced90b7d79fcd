package dev.armature.iommu;

/**
 * One physically contiguous piece of a {@link PhysicalAllocation}: a pool block ({@code poolSize} 4K, 64K or 1M)
 * or a range of the contiguous pool ({@code poolSize} null).
 */
public record Block(long pa, long size, PageSize poolSize) {
}
