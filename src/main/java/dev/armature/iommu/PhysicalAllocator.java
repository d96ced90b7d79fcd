package dev.armature.iommu;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static dev.armature.vm.Errno.EINVAL;
import static dev.armature.vm.Errno.ENOMEM;

/**
 * The pools of one memory target: a contiguous pool (first fit, aligned) and 4K, 64K and 1M block pools. A block
 * request takes the largest permitted blocks that fit the remaining length, lowest addresses first, and never
 * splits a block. Not thread-safe; the {@link Vcmm} serialises calls.
 */
final class PhysicalAllocator {
    private final RangeAllocator contiguous;
    private final Map<PageSize, TreeSet<Long>> free = new EnumMap<>(PageSize.class);
    private final Map<PageSize, Integer> total = new EnumMap<>(PageSize.class);

    PhysicalAllocator(long base, PoolLayout layout) {
        contiguous = new RangeAllocator(base, layout.contiguousPool());
        long next = base + layout.contiguousPool();
        next = carve(next, PageSize.SIZE_1M, layout.blocks1M());
        next = carve(next, PageSize.SIZE_64K, layout.blocks64K());
        carve(next, PageSize.SIZE_4K, layout.blocks4K());
    }

    private long carve(long at, PageSize size, int count) {
        TreeSet<Long> blocks = new TreeSet<>();
        for (int i = 0; i < count; i++, at += size.bytes()) {
            blocks.add(at);
        }
        free.put(size, blocks);
        total.put(size, count);
        return at;
    }

    /** The blocks of a new allocation; refused with ENOMEM (taking nothing) if the pools cannot satisfy it. */
    List<Block> allocate(long length, AllocationRequest req) {
        if (length <= 0 || (length & 0xfff) != 0) {
            throw Refusal.of(EINVAL, "allocation length 0x%x is not a positive multiple of 4K", length);
        }
        if (req.contiguous()) {
            long pa = contiguous.allocate(length, req.alignment());
            if (pa < 0) {
                throw Refusal.of(ENOMEM, "no free contiguous 0x%x bytes aligned to 0x%x (largest free 0x%x)",
                        length, req.alignment(), contiguous.largestFree());
            }
            return List.of(new Block(pa, length, null));
        }
        List<Block> taken = new ArrayList<>();
        long remaining = length;
        for (PageSize size : PageSize.DESCENDING) {
            if (!req.blockSizes().contains(size) || size.bytes() < req.alignment()) {
                continue;
            }
            TreeSet<Long> pool = free.get(size);
            while (remaining >= size.bytes() && !pool.isEmpty()) {
                taken.add(new Block(pool.pollFirst(), size.bytes(), size));
                remaining -= size.bytes();
            }
        }
        if (remaining != 0) {
            release(taken);
            throw Refusal.of(ENOMEM, "block pools %s cannot supply 0x%x bytes without splitting blocks",
                    req.blockSizes(), length);
        }
        return List.copyOf(taken);
    }

    void release(List<Block> blocks) {
        for (Block b : blocks) {
            if (b.poolSize() == null) {
                contiguous.release(b.pa(), b.size());
            } else {
                free.get(b.poolSize()).add(b.pa());
            }
        }
    }

    PoolStats stats() {
        Map<PageSize, Integer> freeCounts = new EnumMap<>(PageSize.class);
        free.forEach((size, blocks) -> freeCounts.put(size, blocks.size()));
        return new PoolStats(contiguous.freeBytes(), contiguous.largestFree(), contiguous.fragments(),
                Map.copyOf(freeCounts), Map.copyOf(total));
    }
}
