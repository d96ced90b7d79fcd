package dev.armature.iommu;

import java.util.ArrayList;
import java.util.List;

import static dev.armature.vm.Errno.EBADF;
import static dev.armature.vm.Errno.EBUSY;
import static dev.armature.vm.Errno.EINVAL;

/**
 * Physical memory drawn from a {@link MemoryTarget} ({@link Vcmm#allocate}): a list of blocks, largest first, or
 * one contiguous range. Several reservations, in different VCMs, may be backed by the same allocation; it can be
 * freed only when none is.
 */
public final class PhysicalAllocation {
    private final Vcmm vcmm;
    private final MemoryTarget target;
    private final List<Block> blocks;
    private final long length;
    final List<Reservation> backs = new ArrayList<>();
    private boolean freed;

    PhysicalAllocation(Vcmm vcmm, MemoryTarget target, List<Block> blocks, long length) {
        this.vcmm = vcmm;
        this.target = target;
        this.blocks = blocks;
        this.length = length;
    }

    public MemoryTarget target() {
        return target;
    }

    /** The physical blocks in device-address order. */
    public List<Block> blocks() {
        return blocks;
    }

    public long length() {
        return length;
    }

    /** True if the memory is one physical range (the seed's phys_addr/phys_size describe it). */
    public boolean isContiguous() {
        return blocks.size() == 1;
    }

    /** The physical address of a contiguous allocation. */
    public long physicalAddress() {
        if (!isContiguous()) {
            throw Refusal.of(EINVAL, "allocation of %d blocks has no single physical address", blocks.size());
        }
        return blocks.getFirst().pa();
    }

    Vcmm vcmm() {
        return vcmm;
    }

    /** How many reservations this allocation backs now. */
    public int backingCount() {
        synchronized (vcmm) {
            return backs.size();
        }
    }

    public boolean isFreed() {
        synchronized (vcmm) {
            return freed;
        }
    }

    void checkLive() {
        if (freed) {
            throw Refusal.of(EBADF, "allocation was freed");
        }
    }

    /** Returns the blocks to their pools. Refused with EBUSY while a reservation is backed by it. */
    public void free() {
        synchronized (vcmm) {
            checkLive();
            if (!backs.isEmpty()) {
                throw Refusal.of(EBUSY, "allocation backs %d reservation(s)", backs.size());
            }
            target.allocator.release(blocks);
            freed = true;
            vcmm.allocations.remove(this);
        }
    }
}
