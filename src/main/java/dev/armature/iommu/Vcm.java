package dev.armature.iommu;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.armature.vm.Errno.EBADF;
import static dev.armature.vm.Errno.EBUSY;
import static dev.armature.vm.Errno.EEXIST;
import static dev.armature.vm.Errno.EINVAL;
import static dev.armature.vm.Errno.ENOMEM;

/**
 * A Virtual Contiguous Memory region: the address space a device sees, from {@link #start()} for
 * {@link #length()} bytes. Reservations are carved from it ({@link #reserve}) and it is linked to devices by
 * {@link #associate associations}. Its {@link Kind} decides what a device address means.
 */
public final class Vcm {
    /** What a VCM's device addresses are. */
    public enum Kind {
        /** Physical addresses: a device without an IOMMU over a physical region. */
        ONE_TO_ONE,
        /** Virtual addresses translated by the SMMU contexts the VCM is associated with. */
        IOMMU,
        /** The VMM's own (host-side) view, through which the emulator reads and writes device buffers. */
        VMM
    }

    private final Vcmm vcmm;
    private final Kind kind;
    private final long start;
    private final long length;
    private final RangeAllocator space;      // IOMMU and VMM: free device addresses
    private long reservedOneToOne;           // ONE_TO_ONE: bytes reserved (addresses come from the backing)
    final PageTable table = new PageTable(); // IOMMU and VMM: the mappings of backed reservations
    final List<Reservation> reservations = new ArrayList<>();
    final List<Association> associations = new ArrayList<>();
    private boolean freed;

    Vcm(Vcmm vcmm, Kind kind, long start, long length) {
        this.vcmm = vcmm;
        this.kind = kind;
        this.start = start;
        this.length = length;
        this.space = kind == Kind.ONE_TO_ONE ? null : new RangeAllocator(start, length);
    }

    public Kind kind() {
        return kind;
    }

    public long start() {
        return start;
    }

    public long length() {
        return length;
    }

    Vcmm vcmm() {
        return vcmm;
    }

    boolean contains(long address, long size) {
        return address >= start && address + size <= start + length;
    }

    void checkLive() {
        if (freed) {
            throw Refusal.of(EBADF, "VCM was freed");
        }
    }

    /**
     * Reserves {@code length} bytes (a positive multiple of 4K) of device addresses with mapping attributes
     * {@code attrs}. IOMMU and VMM reservations get an address at once, aligned to the largest page size that
     * fits so backing can use large mappings; a one-to-one reservation gets its address (the physical one) when
     * backed.
     */
    public Reservation reserve(long length, Set<MappingAttribute> attrs) {
        synchronized (vcmm) {
            checkLive();
            if (length <= 0 || (length & 0xfff) != 0) {
                throw Refusal.of(EINVAL, "reservation length 0x%x is not a positive multiple of 4K", length);
            }
            Set<MappingAttribute> checked = MappingAttribute.validate(attrs);
            if (length > this.length) {
                throw Refusal.of(ENOMEM, "0x%x bytes requested from a VCM of 0x%x", length, this.length);
            }
            long address = -1;
            if (kind == Kind.ONE_TO_ONE) {
                if (reservedOneToOne + length > this.length) {
                    throw Refusal.of(ENOMEM, "one-to-one VCM has 0x%x of 0x%x bytes reserved",
                            reservedOneToOne, this.length);
                }
                reservedOneToOne += length;
            } else {
                for (PageSize align : PageSize.DESCENDING) {
                    if (align.bytes() <= length || align == PageSize.SIZE_4K) {
                        address = space.allocate(length, align.bytes());
                        if (address >= 0) {
                            break;
                        }
                    }
                }
                if (address < 0) {
                    throw Refusal.of(ENOMEM, "no free 0x%x bytes of device addresses (largest free 0x%x)",
                            length, space.largestFree());
                }
            }
            Reservation r = new Reservation(this, length, checked, address);
            reservations.add(r);
            return r;
        }
    }

    void release(Reservation r) {
        if (kind == Kind.ONE_TO_ONE) {
            reservedOneToOne -= r.length();
        } else {
            space.release(r.address(), r.length());
        }
        reservations.remove(r);
    }

    /**
     * Links this VCM to {@code device}: an {@link SmmuContext} for an IOMMU VCM, a {@link DirectMaster} for a
     * one-to-one VCM, {@link Vcmm#cpu()} for the VMM VCM. An SMMU context takes the VCM's existing mappings at
     * once; a context holds one VCM, or two with {@link AssociationAttribute#SPLIT} (one per half).
     */
    public Association associate(DmaMaster device, Set<AssociationAttribute> attrs) {
        synchronized (vcmm) {
            checkLive();
            Set<AssociationAttribute> checked = AssociationAttribute.validate(attrs);
            for (Association a : associations) {
                if (a.device() == device) {
                    throw Refusal.of(EEXIST, "VCM is already associated with %s", device.name());
                }
            }
            switch (kind) {
                case IOMMU -> {
                    if (!(device instanceof SmmuContext ctx)) {
                        throw Refusal.of(EINVAL, "an IOMMU VCM needs an SMMU context, not %s", device.name());
                    }
                    checkContextSlot(ctx, checked);
                }
                case ONE_TO_ONE, VMM -> {
                    if (!(device instanceof DirectMaster) || (kind == Kind.VMM) != (device == vcmm.cpu())) {
                        throw Refusal.of(EINVAL, "a %s VCM cannot be associated with %s", kind, device.name());
                    }
                    if (!checked.isEmpty()) {
                        throw Refusal.of(EINVAL, "%s has no page tables to split: %s", device.name(), checked);
                    }
                }
            }
            Association a = new Association(this, device, checked);
            if (device instanceof SmmuContext ctx) {
                ctx.setSplit(checked.contains(AssociationAttribute.SPLIT));
                ctx.updateStart();
                for (Mapping m : table.all()) {
                    ctx.map(m.pa(), m.va(), m.size(), m.attributes());
                }
                ctx.updateDone();
                vcmm.contextUsers.computeIfAbsent(ctx, k -> new ArrayList<>()).add(a);
            }
            associations.add(a);
            return a;
        }
    }

    /** Everything that could make installing this VCM in {@code ctx} fail, checked before anything changes. */
    private void checkContextSlot(SmmuContext ctx, Set<AssociationAttribute> attrs) {
        long top = 1L << Smmu.INPUT_BITS;
        long half = top >>> 1;
        if (start + length > top) {
            throw Refusal.of(EINVAL, "VCM ends at 0x%x, beyond the SMMU's %d-bit addresses",
                    start + length, Smmu.INPUT_BITS);
        }
        boolean split = attrs.contains(AssociationAttribute.SPLIT);
        boolean useHigh = attrs.contains(AssociationAttribute.USE_HIGH);
        if (split && (useHigh ? start < half : start + length > half)) {
            throw Refusal.of(EINVAL, "VCM [0x%x..0x%x) is not inside the %s half", start, start + length,
                    useHigh ? "high" : "low");
        }
        for (Association other : vcmm.usersOf(ctx)) {
            if (!split || !other.attributes().contains(AssociationAttribute.SPLIT)
                    || other.attributes().contains(AssociationAttribute.USE_HIGH) == useHigh) {
                throw Refusal.of(EBUSY, "%s: that table is already used by another VCM", ctx.name());
            }
        }
        if (vcmm.usersOf(ctx).isEmpty() && ctx.mappingCount() > 0 && ctx.isSplit() != split) {
            throw Refusal.of(EBUSY, "%s has mappings under the other split setting", ctx.name());
        }
        ctx.checkCanMap(table.all());
    }

    void dissociate(Association a) {
        if (a.device() instanceof SmmuContext ctx) {
            ctx.updateStart();
            for (Mapping m : table.all()) {
                ctx.unmap(m.va(), m.size());
            }
            ctx.updateDone();
            List<Association> users = vcmm.contextUsers.get(ctx);
            users.remove(a);
            if (users.isEmpty()) {
                vcmm.contextUsers.remove(ctx);
            }
        }
        associations.remove(a);
    }

    /** How many of this VCM's associations are active (the reference count of one-to-one and VMM VCMs). */
    public int activeAssociations() {
        synchronized (vcmm) {
            return (int) associations.stream().filter(Association::isActive).count();
        }
    }

    public List<Reservation> reservations() {
        synchronized (vcmm) {
            return List.copyOf(reservations);
        }
    }

    public List<Association> associations() {
        synchronized (vcmm) {
            return List.copyOf(associations);
        }
    }

    public boolean isFreed() {
        synchronized (vcmm) {
            return freed;
        }
    }

    /**
     * Frees this VCM. Refused with EBUSY while it has reservations or associations, and with EINVAL for the
     * prebuilt VMM VCM.
     */
    public void free() {
        synchronized (vcmm) {
            checkLive();
            if (kind == Kind.VMM) {
                throw Refusal.of(EINVAL, "the VMM VCM is prebuilt and cannot be freed");
            }
            if (!reservations.isEmpty() || !associations.isEmpty()) {
                throw Refusal.of(EBUSY, "VCM still has %d reservation(s) and %d association(s)",
                        reservations.size(), associations.size());
            }
            freed = true;
            vcmm.vcms.remove(this);
        }
    }

    @Override
    public String toString() {
        return String.format("%s VCM [0x%x..0x%x)", kind, start, start + length);
    }
}
