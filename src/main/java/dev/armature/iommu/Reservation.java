package dev.armature.iommu;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.armature.vm.Errno.EBADF;
import static dev.armature.vm.Errno.EBUSY;
import static dev.armature.vm.Errno.EINVAL;

/**
 * A contiguous range of a VCM's device addresses ({@link Vcm#reserve}), with mapping attributes. It holds no
 * memory until {@link #back backed} by a {@link PhysicalAllocation}; unbacking returns it to that state.
 */
public final class Reservation {
    private final Vcm vcm;
    private final long length;
    private final Set<MappingAttribute> attributes;
    private long address; // -1: a one-to-one reservation not yet backed
    private PhysicalAllocation backing;
    private List<Mapping> pages = List.of();
    private boolean freed;

    Reservation(Vcm vcm, long length, Set<MappingAttribute> attributes, long address) {
        this.vcm = vcm;
        this.length = length;
        this.attributes = attributes;
        this.address = address;
    }

    public Vcm vcm() {
        return vcm;
    }

    public long length() {
        return length;
    }

    public Set<MappingAttribute> attributes() {
        return attributes;
    }

    long address() {
        return address;
    }

    /**
     * The device address of the first byte (the seed's {@code res->dev_addr}): virtual for IOMMU and VMM VCMs,
     * physical for one-to-one VCMs, where it is known only once backed (EINVAL before).
     */
    public long deviceAddress() {
        synchronized (vcm.vcmm()) {
            checkLive();
            if (address < 0) {
                throw Refusal.of(EINVAL, "a one-to-one reservation has no device address until backed");
            }
            return address;
        }
    }

    /** The allocation backing this reservation, or null. */
    public PhysicalAllocation backing() {
        synchronized (vcm.vcmm()) {
            return backing;
        }
    }

    public boolean isBacked() {
        return backing() != null;
    }

    /** The page mappings backing made (device address, physical address, size), in address order. */
    public List<Mapping> pages() {
        synchronized (vcm.vcmm()) {
            return pages;
        }
    }

    public boolean isFreed() {
        synchronized (vcm.vcmm()) {
            return freed;
        }
    }

    private void checkLive() {
        if (freed) {
            throw Refusal.of(EBADF, "reservation was unreserved");
        }
    }

    /**
     * Maps {@code allocation} (of exactly this reservation's length) at this reservation's device addresses, using
     * the largest page sizes the addresses allow, into the VCM and every SMMU context it is associated with. A
     * one-to-one reservation needs a contiguous allocation inside its VCM and takes its physical address.
     */
    public void back(PhysicalAllocation allocation) {
        Vcmm vcmm = vcm.vcmm();
        synchronized (vcmm) {
            checkLive();
            allocation.checkLive();
            if (allocation.vcmm() != vcmm) {
                throw Refusal.of(EINVAL, "allocation belongs to another manager");
            }
            if (backing != null) {
                throw Refusal.of(EBUSY, "reservation is already backed");
            }
            if (allocation.length() != length) {
                throw Refusal.of(EINVAL, "allocation of 0x%x bytes cannot back a reservation of 0x%x",
                        allocation.length(), length);
            }
            if (vcm.kind() == Vcm.Kind.ONE_TO_ONE) {
                if (!allocation.isContiguous() || !vcm.contains(allocation.physicalAddress(), length)) {
                    throw Refusal.of(EINVAL, "a one-to-one reservation needs contiguous memory inside %s", vcm);
                }
                address = allocation.physicalAddress();
                pages = List.of(new Mapping(address, address, length, attributes));
            } else {
                List<Mapping> made = split(allocation);
                List<SmmuContext> contexts = contexts();
                for (SmmuContext ctx : contexts) {
                    ctx.checkCanMap(made);
                }
                for (Mapping m : made) {
                    vcm.table.put(m);
                }
                for (SmmuContext ctx : contexts) {
                    ctx.updateStart();
                    for (Mapping m : made) {
                        ctx.map(m.pa(), m.va(), m.size(), m.attributes());
                    }
                    ctx.updateDone();
                }
                pages = made;
            }
            backing = allocation;
            allocation.backs.add(this);
        }
    }

    /** Page mappings of the allocation's blocks laid end to end from this reservation's address. */
    private List<Mapping> split(PhysicalAllocation allocation) {
        List<Mapping> made = new ArrayList<>();
        long va = address;
        for (Block b : allocation.blocks()) {
            for (long done = 0; done < b.size(); ) {
                PageSize s = PageSize.largestFitting(va, b.pa() + done, b.size() - done);
                made.add(new Mapping(va, b.pa() + done, s.bytes(), attributes));
                va += s.bytes();
                done += s.bytes();
            }
        }
        return List.copyOf(made);
    }

    private List<SmmuContext> contexts() {
        List<SmmuContext> list = new ArrayList<>();
        for (Association a : vcm.associations) {
            if (a.device() instanceof SmmuContext ctx) {
                list.add(ctx);
            }
        }
        return list;
    }

    /** Removes the mappings {@link #back} made; refused with EINVAL if not backed. */
    public void unback() {
        synchronized (vcm.vcmm()) {
            checkLive();
            if (backing == null) {
                throw Refusal.of(EINVAL, "reservation is not backed");
            }
            List<SmmuContext> contexts = contexts();
            for (SmmuContext ctx : contexts) {
                ctx.checkCanUpdate();
            }
            if (vcm.kind() == Vcm.Kind.ONE_TO_ONE) {
                address = -1;
            } else {
                for (Mapping m : pages) {
                    vcm.table.remove(m.va());
                }
                for (SmmuContext ctx : contexts) {
                    ctx.updateStart();
                    for (Mapping m : pages) {
                        ctx.unmap(m.va(), m.size());
                    }
                    ctx.updateDone();
                }
            }
            pages = List.of();
            backing.backs.remove(this);
            backing = null;
        }
    }

    /** Returns the device addresses to the VCM; refused with EBUSY while backed. */
    public void unreserve() {
        synchronized (vcm.vcmm()) {
            checkLive();
            if (backing != null) {
                throw Refusal.of(EBUSY, "reservation is backed; unback it first");
            }
            vcm.release(this);
            freed = true;
        }
    }

    @Override
    public String toString() {
        return String.format("reservation of 0x%x bytes at 0x%x in %s", length, address, vcm);
    }
}
