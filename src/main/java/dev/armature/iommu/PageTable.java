package dev.armature.iommu;

import java.util.Map;
import java.util.TreeMap;

/** Non-overlapping mappings ordered by device address; callers check sizes and alignment. */
final class PageTable {
    private final TreeMap<Long, Mapping> entries = new TreeMap<>(Long::compareUnsigned);

    Mapping lookup(long va) {
        Map.Entry<Long, Mapping> e = entries.floorEntry(va);
        return e != null && e.getValue().contains(va) ? e.getValue() : null;
    }

    /** True if any mapping overlaps [va, va + size). */
    boolean overlaps(long va, long size) {
        Map.Entry<Long, Mapping> below = entries.floorEntry(va);
        if (below != null && below.getValue().contains(va)) {
            return true;
        }
        Long next = entries.ceilingKey(va);
        return next != null && Long.compareUnsigned(next - va, size) < 0;
    }

    void put(Mapping m) {
        entries.put(m.va(), m);
    }

    Mapping remove(long va) {
        return entries.remove(va);
    }

    Mapping exactly(long va) {
        return entries.get(va);
    }

    int size() {
        return entries.size();
    }

    Iterable<Mapping> all() {
        return entries.values();
    }
}
