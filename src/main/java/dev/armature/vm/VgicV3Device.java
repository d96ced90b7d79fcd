package dev.armature.vm;

import static dev.armature.vm.Errno.EBUSY;
import static dev.armature.vm.Errno.EEXIST;
import static dev.armature.vm.Errno.EINVAL;
import static dev.armature.vm.Errno.ENOENT;
import static dev.armature.vm.Errno.ENXIO;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * KVM_DEV_TYPE_ARM_VGIC_V3: a 64 KiB distributor frame and one 128 KiB redistributor per vCPU, placed either
 * in one legacy region (KVM_VGIC_V3_ADDR_TYPE_REDIST, sized by the vCPU count at the time it is checked) or
 * in indexed regions of a fixed capacity (KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION); the two styles exclude each
 * other.
 *
 * <p>Redistributors are handed out as KVM hands them out: a vCPU takes the next free slot of the first
 * region with room, when it is created or when a region is added, vCPUs in creation order. GICR_TYPER
 * (Processor_Number = vCPU id, affinity, Last) is computed from that assignment. The vGIC must be
 * initialised explicitly (KVM_DEV_ARM_VGIC_CTRL_INIT) before the first vCPU run (EBUSY otherwise) and before
 * register accesses (EBUSY), GICD_TYPER2 excepted.
 */
public final class VgicV3Device extends VgicDevice {
    /** A redistributor region: {@code count} == 0 is the legacy region. */
    private static final class Region {
        final int index;
        final long base;
        final int count;
        int freeIndex;

        Region(int index, long base, int count) {
            this.index = index;
            this.base = base;
            this.count = count;
        }

        boolean full() {
            return count != 0 && freeIndex >= count;
        }
    }

    /** The redistributor slot a vCPU was given. */
    private record Slot(Region region, int index) {
        long base() {
            return region.base + index * Vgic.V3_REDIST_SIZE;
        }
    }

    private long distBase = Vgic.ADDR_UNDEF;
    private final List<Region> regions = new ArrayList<>();
    private final Map<Vcpu, Slot> slots = new IdentityHashMap<>();

    VgicV3Device(Vm vm) {
        super(vm);
    }

    @Override
    public DeviceType type() {
        return DeviceType.ARM_VGIC_V3;
    }

    @Override
    public int version() {
        return 3;
    }

    // ---- addresses ----

    @Override
    void setAddress(long type, long addr) {
        if (type == Vgic.V3_ADDR_TYPE_DIST) {
            checkIoRange(distBase, addr, 0x1_0000, Vgic.V3_DIST_SIZE, "distributor");
            distBase = addr;
        } else if (type == Vgic.V3_ADDR_TYPE_REDIST) {
            addRegion(0, addr, 0);
        } else if (type == Vgic.V3_ADDR_TYPE_REDIST_REGION) {
            int count = Vgic.regionCount(addr);
            if (count == 0) {
                throw new KvmException(EINVAL, "a redistributor region needs a count");
            }
            if (Vgic.regionFlags(addr) != 0) {
                throw new KvmException(EINVAL, "redistributor region flags must be 0");
            }
            addRegion(kvmIndex(addr), Vgic.regionBase(addr), count);
        } else {
            throw noSuchAttr(Vgic.GRP_ADDR, type);
        }
    }

    @Override
    long getAddress(long type, Long in) {
        if (type == Vgic.V3_ADDR_TYPE_DIST) {
            return distBase;
        } else if (type == Vgic.V3_ADDR_TYPE_REDIST) {
            return regions.isEmpty() ? Vgic.ADDR_UNDEF : regions.getFirst().base;
        } else if (type == Vgic.V3_ADDR_TYPE_REDIST_REGION) {
            int index = kvmIndex(userWord(in));
            for (Region r : regions) {
                if (r.index == index) {
                    return Vgic.redistRegion(r.count, r.base, 0, r.index);
                }
            }
            throw new KvmException(ENOENT, "no redistributor region with index " + index);
        }
        throw noSuchAttr(Vgic.GRP_ADDR, type);
    }

    /** The region index as KVM uses it: the 12-bit field, kept in a u8 (so index 256 is region 0). */
    private static int kvmIndex(long packed) {
        return Vgic.regionIndex(packed) & 0xff;
    }

    @Override
    boolean hasAddressType(long type) {
        return type == Vgic.V3_ADDR_TYPE_DIST || type == Vgic.V3_ADDR_TYPE_REDIST
                || type == Vgic.V3_ADDR_TYPE_REDIST_REGION;
    }

    /**
     * vgic_v3_set_redist_base: allocates the region, then gives every vCPU without a redistributor a slot;
     * if that fails (the layout check), the region is withdrawn.
     */
    private void addRegion(int index, long base, int count) {
        Region region = allocRegion(index, base, count);
        regions.add(region);
        try {
            registerAll();
        } catch (KvmException e) {
            // The layout check fails before the first slot is handed out, so no vCPU holds one of its slots.
            regions.remove(region);
            throw e;
        }
    }

    /** vgic_v3_alloc_redist_region's checks, in its order. */
    private Region allocRegion(int index, long base, int count) {
        long size = (count != 0 ? count : vm.vcpuList().size()) * Vgic.V3_REDIST_SIZE;
        String what = count != 0 ? "redistributor region " + index : "redistributor region";
        if (Long.compareUnsigned(base + size, base) < 0) {
            throw new KvmException(EINVAL, what + " wraps around the address space");
        }
        if (regions.isEmpty()) {
            if (index != 0) {
                throw new KvmException(EINVAL, "the first redistributor region must have index 0, not " + index);
            }
        } else {
            Region last = regions.getLast();
            if (count == 0 && last.count != 0) {
                throw new KvmException(EINVAL, "a legacy redistributor base cannot be mixed with regions");
            }
            if (count == 0) {
                throw new KvmException(EEXIST, "the redistributor base address is already set");
            }
            if (index != last.index + 1) {
                throw new KvmException(EINVAL, "redistributor region index must be " + (last.index + 1)
                        + ", not " + index);
            }
        }
        if (count == 0 && distBase != Vgic.ADDR_UNDEF && overlaps(base, size, distBase, Vgic.V3_DIST_SIZE)) {
            throw new KvmException(EINVAL, what + " overlaps the distributor");
        }
        if (overlapsRegion(base, size)) {
            throw new KvmException(EINVAL, String.format("%s [0x%x, 0x%x) overlaps another region", what, base,
                    base + size));
        }
        checkIoRange(Vgic.ADDR_UNDEF, base, 0x1_0000, size, what);
        return new Region(index, base, count);
    }

    private long regionSize(Region r) {
        return (r.count != 0 ? r.count : vm.vcpuList().size()) * Vgic.V3_REDIST_SIZE;
    }

    private boolean overlapsRegion(long base, long size) {
        for (Region r : regions) {
            if (overlaps(base, size, r.base, regionSize(r))) {
                return true;
            }
        }
        return false;
    }

    private static boolean overlaps(long a, long aSize, long b, long bSize) {
        return Long.compareUnsigned(a + aSize, b) > 0 && Long.compareUnsigned(a, b + bSize) < 0;
    }

    /**
     * vgic_v3_check_base: the distributor does not wrap, every region is aligned and inside the IPA space at
     * its current size, and none overlaps the distributor.
     */
    private boolean layoutValid() {
        if (distBase != Vgic.ADDR_UNDEF && Long.compareUnsigned(distBase + Vgic.V3_DIST_SIZE, distBase) < 0) {
            return false;
        }
        for (Region r : regions) {
            if (ioRangeError(r.base, 0x1_0000, regionSize(r)) != null) {
                return false;
            }
        }
        return distBase == Vgic.ADDR_UNDEF || !overlapsRegion(distBase, Vgic.V3_DIST_SIZE);
    }

    /** vgic_register_all_redist_iodevs: a slot for every vCPU without one, in creation order. */
    private void registerAll() {
        for (Vcpu v : vm.vcpuList()) {
            registerRedist(v);
        }
    }

    /**
     * vgic_register_redist_iodev: gives {@code vcpu} the next free slot, if it has none and one is free; the
     * layout must be valid then (EINVAL). Also called for a vCPU being created (not yet in the VM's list).
     */
    void registerRedist(Vcpu vcpu) {
        if (slots.containsKey(vcpu)) {
            return;
        }
        Region free = null;
        for (Region r : regions) {
            if (!r.full()) {
                free = r;
                break;
            }
        }
        if (free == null) {
            return;
        }
        if (!layoutValid()) {
            throw new KvmException(EINVAL, "the redistributor layout overlaps the distributor or leaves the "
                    + vm.maxIpaBits() + "-bit IPA space");
        }
        slots.put(vcpu, new Slot(free, free.freeIndex));
        free.freeIndex++;
    }

    /**
     * vgic_mmio_vcpu_rdist_is_last: the last slot used in its region, unless the region is full and another
     * region with redistributors starts right where it ends.
     */
    private boolean isLast(Vcpu vcpu) {
        Slot slot = slots.get(vcpu);
        if (slot == null) {
            return false;
        }
        Region r = slot.region;
        if (slot.index < r.freeIndex - 1) {
            return false;
        }
        if (r.count != 0 && slot.index == r.count - 1) {
            long end = r.base + r.count * Vgic.V3_REDIST_SIZE;
            for (Region other : regions) {
                if (other.base == end && other.freeIndex > 0) {
                    return false;
                }
            }
        }
        return true;
    }

    /** GICR_TYPER: Aff2..Aff0 in bits 55:32, Processor_Number (vCPU id) in 23:8, Last (bit 4), PLPIS (bit 0). */
    long typer(Vcpu vcpu) {
        return (vcpu.mpidrAffinity() & 0xff_ffffL) << 32 | (long) (vcpu.id() & 0xffff) << 8
                | (isLast(vcpu) ? 0x10 : 0) | (vm.hasIts() ? 1 : 0);
    }

    /** vgic_v3_map_resources. */
    @Override
    VgicLayout resolveLayout() {
        List<VgicLayout.Redistributor> rds = new ArrayList<>();
        for (Vcpu v : vm.vcpuList()) {
            Slot slot = slots.get(v);
            if (slot == null) {
                throw new KvmException(ENXIO, "vCPU " + v.id() + " has no redistributor");
            }
            rds.add(new VgicLayout.Redistributor(v.id(), slot.base(), isLast(v)));
        }
        if (distBase == Vgic.ADDR_UNDEF) {
            throw new KvmException(ENXIO, "the distributor address must be set first");
        }
        if (!layoutValid()) {
            throw new KvmException(EINVAL, "the redistributors overlap the distributor or leave the "
                    + vm.maxIpaBits() + "-bit IPA space");
        }
        if (!isInitialized()) {
            throw new KvmException(EBUSY, "a GICv3 must be initialised (KVM_DEV_ARM_VGIC_CTRL_INIT) before it runs");
        }
        return new VgicLayout(3, distBase, -1, rds, interruptCount());
    }

    // ---- registers ----

    /** vgic_v3_parse_attr: DIST_REGS use the first vCPU; the others name one by compressed MPIDR. */
    private Vcpu vcpuOf(int group, long attr) {
        if (group != Vgic.GRP_DIST_REGS && group != Vgic.GRP_REDIST_REGS && group != Vgic.GRP_CPU_SYSREGS) {
            throw noSuchAttr(group, attr);
        }
        List<Vcpu> vcpus = vm.vcpuList();
        if (group == Vgic.GRP_DIST_REGS) {
            if (vcpus.isEmpty()) {
                throw new KvmException(EINVAL, "distributor register access needs a vCPU");
            }
            return vcpus.getFirst();
        }
        long mpidr = attr >>> Vgic.V3_MPIDR_SHIFT;
        for (Vcpu v : vcpus) {
            if (v.mpidrAffinity() == mpidr) {
                return v;
            }
        }
        throw new KvmException(EINVAL, String.format("no vCPU has affinity 0x%x", mpidr));
    }

    private boolean computedHere(int group, long offset) {
        return (group == Vgic.GRP_REDIST_REGS && (offset == Vgic.GICR_TYPER || offset == Vgic.GICR_TYPER + 4))
                || (group == Vgic.GRP_DIST_REGS && offset == Vgic.GICD_TYPER2);
    }

    private static RegisterSpace space(int group, long offset) {
        if (group == Vgic.GRP_CPU_SYSREGS) {
            // The ICC_* system registers are not reachable through the device yet.
            throw new KvmException(ENXIO, String.format("no CPU system register 0x%x", offset));
        }
        return group == Vgic.GRP_DIST_REGS ? RegisterSpace.DISTRIBUTOR : RegisterSpace.REDISTRIBUTOR;
    }

    /** Register accesses need an initialised vGIC, except GICD_TYPER2 (KVM's reg_allowed_pre_init). */
    private void checkAccessible(int group, long offset) {
        if (!isInitialized() && !(group == Vgic.GRP_DIST_REGS && offset == Vgic.GICD_TYPER2)) {
            throw new KvmException(EBUSY, "the vGIC is not initialised");
        }
    }

    @Override
    void setRegister(int group, long attr, Long value) {
        Vcpu vcpu = vcpuOf(group, attr);
        long offset = attr & Vgic.OFFSET_MASK;
        // KVM reads the word here for memory-mapped registers; system registers read theirs later.
        int v = group == Vgic.GRP_CPU_SYSREGS ? 0 : (int) userWord(value);
        checkAccessible(group, offset);
        if (group == Vgic.GRP_REDIST_REGS && computedHere(group, offset)) {
            return; // GICR_TYPER: writes ignored
        }
        if (group == Vgic.GRP_DIST_REGS && offset == Vgic.GICD_TYPER2) {
            writeTyper2(v);
            return;
        }
        modelWrite(space(group, offset), vcpu, offset, v);
    }

    /**
     * GICD_TYPER2 reads 0: no GICv4.1, so nASSGIcap cannot be offered. Writing the same value succeeds; any
     * change is refused, with EBUSY once initialised, else EINVAL.
     */
    private void writeTyper2(int value) {
        if (value == 0) {
            return;
        }
        if (isInitialized()) {
            throw new KvmException(EBUSY, "GICD_TYPER2 cannot change after initialisation");
        }
        throw new KvmException(EINVAL, (value & Vgic.GICD_TYPER2_NASSGICAP) != 0
                ? "nASSGIcap is not available (no GICv4.1)" : "GICD_TYPER2 fields are read-only");
    }

    @Override
    long getRegister(int group, long attr) {
        Vcpu vcpu = vcpuOf(group, attr);
        long offset = attr & Vgic.OFFSET_MASK;
        checkAccessible(group, offset);
        if (group == Vgic.GRP_REDIST_REGS && computedHere(group, offset)) {
            long typer = typer(vcpu);
            return offset == Vgic.GICR_TYPER ? typer & 0xffff_ffffL : typer >>> 32;
        }
        if (group == Vgic.GRP_DIST_REGS && offset == Vgic.GICD_TYPER2) {
            return 0;
        }
        return modelRead(space(group, offset), vcpu, offset);
    }

    @Override
    void hasRegister(int group, long attr) {
        vcpuOf(group, attr);
        long offset = attr & Vgic.OFFSET_MASK;
        RegisterSpace space = space(group, offset);
        if ((offset & 3) == 0 && computedHere(group, offset)) {
            return;
        }
        checkModelRegister(space, offset);
    }
}
