package dev.armature.devices.gic;

/** The register frames of a GIC that userspace reaches by offset (KVM's vGIC register attribute groups). */
public enum GicFrame {
    /** GICD_*. */
    DISTRIBUTOR,
    /** GICR_* of one CPU's redistributor, RD_base and SGI_base frames (GICv3). */
    REDISTRIBUTOR,
    /** GICC_* of one CPU's memory-mapped CPU interface (GICv2). */
    CPU_INTERFACE
}
