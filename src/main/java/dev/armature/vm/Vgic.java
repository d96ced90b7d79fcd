package dev.armature.vm;

/**
 * KVM's ARM vGIC device-attribute vocabulary (arm64 asm/kvm.h, Documentation/virt/kvm/devices/arm-vgic*.rst):
 * groups, address types, control attributes, register-attribute encodings.
 */
public final class Vgic {
    /** KVM_DEV_ARM_VGIC_GRP_ADDR: an attribute group. */
    public static final int GRP_ADDR = 0;
    /** KVM_DEV_ARM_VGIC_GRP_DIST_REGS: an attribute group. */
    public static final int GRP_DIST_REGS = 1;
    /** GICv2 CPU interface registers. */
    public static final int GRP_CPU_REGS = 2;
    /** KVM_DEV_ARM_VGIC_GRP_NR_IRQS: an attribute group. */
    public static final int GRP_NR_IRQS = 3;
    /** KVM_DEV_ARM_VGIC_GRP_CTRL: an attribute group. */
    public static final int GRP_CTRL = 4;
    /** GICv3 redistributor registers. */
    public static final int GRP_REDIST_REGS = 5;
    /** KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS: an attribute group. */
    public static final int GRP_CPU_SYSREGS = 6;
    /** KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO: an attribute group. */
    public static final int GRP_LEVEL_INFO = 7;

    /** KVM_VGIC_V2_ADDR_TYPE_DIST: a base address attribute of GRP_ADDR. */
    public static final long V2_ADDR_TYPE_DIST = 0;
    /** KVM_VGIC_V2_ADDR_TYPE_CPU: a base address attribute of GRP_ADDR. */
    public static final long V2_ADDR_TYPE_CPU = 1;
    /** KVM_VGIC_V3_ADDR_TYPE_DIST: a base address attribute of GRP_ADDR. */
    public static final long V3_ADDR_TYPE_DIST = 2;
    /** KVM_VGIC_V3_ADDR_TYPE_REDIST: a base address attribute of GRP_ADDR. */
    public static final long V3_ADDR_TYPE_REDIST = 3;
    /** The ITS device's base address (KVM_VGIC_ITS_ADDR_TYPE). */
    public static final long ITS_ADDR_TYPE = 4;
    /** KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION: a base address attribute of GRP_ADDR. */
    public static final long V3_ADDR_TYPE_REDIST_REGION = 5;

    /** KVM_DEV_ARM_VGIC_CTRL_INIT: an attribute of GRP_CTRL. */
    public static final long CTRL_INIT = 0;
    /** KVM_DEV_ARM_VGIC_CTRL_ITS_SAVE_TABLES: an attribute of GRP_CTRL. */
    public static final long CTRL_ITS_SAVE_TABLES = 1;
    /** KVM_DEV_ARM_VGIC_CTRL_ITS_RESTORE_TABLES: an attribute of GRP_CTRL. */
    public static final long CTRL_ITS_RESTORE_TABLES = 2;
    /** KVM_DEV_ARM_VGIC_CTRL_SAVE_PENDING_TABLES: an attribute of GRP_CTRL. */
    public static final long CTRL_SAVE_PENDING_TABLES = 3;

    /** VGIC_ADDR_UNDEF: what an unset base address reads as. */
    public static final long ADDR_UNDEF = -1L;

    /** The size of the V2 DIST frame(s), in bytes. */
    public static final long V2_DIST_SIZE = 0x1000;
    /** The size of the V2 CPU frame(s), in bytes. */
    public static final long V2_CPU_SIZE = 0x2000;
    /** The size of the V3 DIST frame(s), in bytes. */
    public static final long V3_DIST_SIZE = 0x1_0000;
    /** One redistributor: RD_base + SGI_base frames. */
    public static final long V3_REDIST_SIZE = 0x2_0000;
    /** The size of the ITS frame(s), in bytes. */
    public static final long ITS_SIZE = 0x2_0000;

    /** GICv2 register attributes: vCPU id in bits 39:32, offset in bits 31:0. */
    public static final int V2_CPUID_SHIFT = 32;
    /** GICv3 register attributes: compressed MPIDR (Aff3.Aff2.Aff1.Aff0) in bits 63:32, offset in 31:0. */
    public static final int V3_MPIDR_SHIFT = 32;
    /** Register attributes: the register offset. */
    public static final long OFFSET_MASK = 0xffff_ffffL;

    /** The GICD_TYPER2 register offset. */
    public static final long GICD_TYPER2 = 0x000C;
    /** GICD_TYPER2.nASSGIcap: vSGIs without an active state may be offered (GICv4.1 hosts only). */
    public static final int GICD_TYPER2_NASSGICAP = 1 << 8;
    /** The GICR_TYPER register offset. */
    public static final long GICR_TYPER = 0x0008;

    /** The smallest interrupt count KVM accepts (64); with MAX_IRQS and DEFAULT_IRQS, KVM's limits. */
    public static final int MIN_IRQS = 64;
    /** The largest interrupt count (VGIC_MAX_RESERVED). */
    public static final int MAX_IRQS = 1023;
    /** The default interrupt count. */
    public static final int DEFAULT_IRQS = 256;
    /** SGIs + PPIs. */
    public static final int PRIVATE_IRQS = 32;

    private Vgic() {
    }

    /**
     * A KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION value: count in bits 63:52, base in bits 51:16, flags in bits 15:12,
     * index in bits 11:0.
     */
    public static long redistRegion(int count, long base, int flags, int index) {
        return (long) count << 52 | (base & BASE_MASK) | (long) (flags & 0xf) << 12 | (index & 0xfff);
    }

    /** The redistributor count of a packed REDIST_REGION value (bits 63:52). */
    public static int regionCount(long packed) {
        return (int) (packed >>> 52);
    }

    /** The base address of a packed REDIST_REGION value (bits 51:16). */
    public static long regionBase(long packed) {
        return packed & BASE_MASK;
    }

    /** The flags of a packed REDIST_REGION value (bits 15:12; must be 0). */
    public static int regionFlags(long packed) {
        return (int) (packed >>> 12) & 0xf;
    }

    /** The region index of a packed REDIST_REGION value (bits 11:0). */
    public static int regionIndex(long packed) {
        return (int) packed & 0xfff;
    }

    /** A GICv3 register attribute for the vCPU with compressed affinity {@code mpidr} (= vCPU id below 16). */
    public static long v3RegAttr(long mpidr, long offset) {
        return mpidr << V3_MPIDR_SHIFT | (offset & OFFSET_MASK);
    }

    /** A GICv2 register attribute for vCPU {@code vcpuId}. */
    public static long v2RegAttr(int vcpuId, long offset) {
        return (long) (vcpuId & 0xff) << V2_CPUID_SHIFT | (offset & OFFSET_MASK);
    }

    private static final long BASE_MASK = 0x000f_ffff_ffff_0000L;
}
