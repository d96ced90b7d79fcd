package dev.armature.vm;

/** The register frames userspace reaches through the vGIC device's register groups. */
public enum RegisterSpace {
    /** GICD_* (KVM_DEV_ARM_VGIC_GRP_DIST_REGS). */
    DISTRIBUTOR,
    /** GICR_* of one vCPU's redistributor, RD and SGI frames (KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, GICv3). */
    REDISTRIBUTOR,
    /** GICC_* of one vCPU's memory-mapped CPU interface (KVM_DEV_ARM_VGIC_GRP_CPU_REGS, GICv2). */
    CPU_INTERFACE
}
