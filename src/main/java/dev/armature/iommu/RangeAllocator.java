package dev.armature.iommu;

import java.util.Map;
import java.util.TreeMap;

/** First-fit allocator of aligned ranges from [start, start + length), coalescing freed ranges. Not thread-safe. */
final class RangeAllocator {
    private final TreeMap<Long, Long> free = new TreeMap<>(); // start -> end (exclusive)

    RangeAllocator(long start, long length) {
        if (length > 0) {
            free.put(start, start + length);
        }
    }

    /** The lowest {@code align}-aligned range of {@code size} bytes, taken, or -1 if none fits. */
    long allocate(long size, long align) {
        for (Map.Entry<Long, Long> e : free.entrySet()) {
            long base = (e.getKey() + align - 1) & -align;
            if (base >= e.getKey() && base + size <= e.getValue()) {
                take(e.getKey(), e.getValue(), base, size);
                return base;
            }
        }
        return -1;
    }

    private void take(long from, long to, long base, long size) {
        free.remove(from);
        if (base > from) {
            free.put(from, base);
        }
        if (base + size < to) {
            free.put(base + size, to);
        }
    }

    void release(long base, long size) {
        long end = base + size;
        Map.Entry<Long, Long> before = free.floorEntry(base);
        if (before != null && before.getValue() == base) {
            base = before.getKey();
            free.remove(before.getKey());
        }
        Long after = free.get(end);
        if (after != null) {
            free.remove(end);
            end = after;
        }
        free.put(base, end);
    }

    long freeBytes() {
        long sum = 0;
        for (Map.Entry<Long, Long> e : free.entrySet()) {
            sum += e.getValue() - e.getKey();
        }
        return sum;
    }

    long largestFree() {
        long max = 0;
        for (Map.Entry<Long, Long> e : free.entrySet()) {
            max = Math.max(max, e.getValue() - e.getKey());
        }
        return max;
    }

    int fragments() {
        return free.size();
    }
}
