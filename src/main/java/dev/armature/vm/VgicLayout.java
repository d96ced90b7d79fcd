package dev.armature.vm;

import java.util.List;

/**
 * Where the vGIC's register frames are in guest physical space, resolved at the first vCPU run from what
 * userspace configured.
 *
 * @param version 2 or 3
 * @param distributorBase GICD frame (64 KiB for v3, 4 KiB for v2)
 * @param cpuInterfaceBase GICv2 GICC frame (8 KiB); -1 for GICv3
 * @param redistributors GICv3: one per vCPU in creation order; empty for GICv2
 * @param interruptCount INTIDs implemented (SGIs + PPIs + SPIs)
 */
public record VgicLayout(int version, long distributorBase, long cpuInterfaceBase,
                         List<Redistributor> redistributors, int interruptCount) {
    /** Copies the redistributor list. */
    public VgicLayout {
        redistributors = List.copyOf(redistributors);
    }

    /**
     * One GICv3 redistributor (RD_base and SGI_base frames, 128 KiB).
     *
     * @param vcpuId the vCPU it serves
     * @param base its RD_base
     * @param last GICR_TYPER.Last: the last redistributor of a contiguous run
     */
    public record Redistributor(int vcpuId, long base, boolean last) {
    }
}
