package dev.armature.iommu;

import java.util.Set;

/**
 * One page-table entry: {@code size} bytes at device address {@code va} map to physical address {@code pa}.
 */
public record Mapping(long va, long pa, long size, Set<MappingAttribute> attributes) {
    boolean contains(long address) {
        return Long.compareUnsigned(address - va, size) < 0;
    }
}
