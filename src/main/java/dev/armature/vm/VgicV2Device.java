package dev.armature.vm;

import static dev.armature.vm.Errno.EINVAL;
import static dev.armature.vm.Errno.ENXIO;

import java.util.List;

/**
 * KVM_DEV_TYPE_ARM_VGIC_V2: a 4 KiB distributor frame and an 8 KiB CPU-interface frame, both 4 KiB aligned;
 * register groups DIST_REGS and CPU_REGS address a vCPU by id (attribute bits 39:32). Unlike GICv3, the
 * vGIC initialises itself on demand: at the first vCPU run, and at any register access from userspace —
 * before the access is checked, so a register access that fails with ENXIO has still initialised the vGIC,
 * as in KVM.
 */
public final class VgicV2Device extends VgicDevice {
    private long distBase = Vgic.ADDR_UNDEF;
    private long cpuBase = Vgic.ADDR_UNDEF;

    VgicV2Device(Vm vm) {
        super(vm);
    }

    @Override
    public DeviceType type() {
        return DeviceType.ARM_VGIC_V2;
    }

    @Override
    public int version() {
        return 2;
    }

    @Override
    void setAddress(long type, long addr) {
        if (type == Vgic.V2_ADDR_TYPE_DIST) {
            checkIoRange(distBase, addr, 0x1000, Vgic.V2_DIST_SIZE, "distributor");
            distBase = addr;
        } else if (type == Vgic.V2_ADDR_TYPE_CPU) {
            checkIoRange(cpuBase, addr, 0x1000, Vgic.V2_CPU_SIZE, "CPU interface");
            cpuBase = addr;
        } else {
            throw noSuchAttr(Vgic.GRP_ADDR, type);
        }
    }

    @Override
    long getAddress(long type, Long in) {
        if (type == Vgic.V2_ADDR_TYPE_DIST) {
            return distBase;
        } else if (type == Vgic.V2_ADDR_TYPE_CPU) {
            return cpuBase;
        }
        throw noSuchAttr(Vgic.GRP_ADDR, type);
    }

    @Override
    boolean hasAddressType(long type) {
        return type == Vgic.V2_ADDR_TYPE_DIST || type == Vgic.V2_ADDR_TYPE_CPU;
    }

    /** vgic_v2_map_resources: both frames set, not overlapping; then the implicit initialisation. */
    @Override
    VgicLayout resolveLayout() {
        if (distBase == Vgic.ADDR_UNDEF || cpuBase == Vgic.ADDR_UNDEF) {
            throw new KvmException(ENXIO, "the GICv2 distributor and CPU interface addresses must be set first");
        }
        boolean apart = Long.compareUnsigned(distBase + Vgic.V2_DIST_SIZE, cpuBase) <= 0
                || Long.compareUnsigned(cpuBase + Vgic.V2_CPU_SIZE, distBase) <= 0;
        if (!apart) {
            throw new KvmException(EINVAL, String.format(
                    "the distributor at 0x%x overlaps the CPU interface at 0x%x", distBase, cpuBase));
        }
        init();
        return new VgicLayout(2, distBase, cpuBase, List.of(), interruptCount());
    }

    // ---- registers ----

    private static RegisterSpace space(int group) {
        return switch (group) {
            case Vgic.GRP_DIST_REGS -> RegisterSpace.DISTRIBUTOR;
            case Vgic.GRP_CPU_REGS -> RegisterSpace.CPU_INTERFACE;
            default -> null;
        };
    }

    /** vgic_v2_parse_attr: the vCPU named by bits 39:32 must exist (EINVAL). */
    private Vcpu vcpuOf(long attr) {
        int id = (int) (attr >>> Vgic.V2_CPUID_SHIFT) & 0xff;
        Vcpu vcpu = vm.vcpuById(id);
        if (vcpu == null) {
            throw new KvmException(EINVAL, "register access for vCPU " + id + ", which does not exist");
        }
        return vcpu;
    }

    @Override
    void setRegister(int group, long attr, Long value) {
        RegisterSpace space = space(group);
        if (space == null) {
            throw noSuchAttr(group, attr);
        }
        Vcpu vcpu = vcpuOf(attr);
        int v = (int) userWord(value);
        init();
        modelWrite(space, vcpu, attr & Vgic.OFFSET_MASK, v);
    }

    @Override
    long getRegister(int group, long attr) {
        RegisterSpace space = space(group);
        if (space == null) {
            throw noSuchAttr(group, attr);
        }
        Vcpu vcpu = vcpuOf(attr);
        init();
        return modelRead(space, vcpu, attr & Vgic.OFFSET_MASK);
    }

    @Override
    void hasRegister(int group, long attr) {
        RegisterSpace space = space(group);
        if (space == null) {
            throw noSuchAttr(group, attr);
        }
        vcpuOf(attr);
        checkModelRegister(space, attr & Vgic.OFFSET_MASK);
    }
}
