package dev.armature.vfio;

import dev.armature.iommu.Association;
import dev.armature.iommu.DirectMaster;
import dev.armature.iommu.FaultAction;
import dev.armature.iommu.MemoryTarget;
import dev.armature.iommu.PoolLayout;
import dev.armature.iommu.Vcm;
import dev.armature.iommu.Vcmm;
import dev.armature.memory.PhysicalMemory;

import java.util.Set;

/**
 * The VFIO type-1 idea for one assigned device: the VMM maps guest RAM into the device's DMA address space, at
 * device addresses equal to guest physical ones (a one-to-one VCM over the RAM), and connects the device's DMA
 * port to it. {@link #close} disconnects the port and frees the VCM.
 */
public final class VfioDmaMapping implements AutoCloseable {
    private static final long MIB = 1L << 20;

    private final VfioPlatformDevice device;
    private final Vcmm vcmm = new Vcmm();

    /** Maps guest RAM {@code [base, base + size)} of {@code ram} for {@code device}'s DMA. */
    public VfioDmaMapping(VfioPlatformDevice device, PhysicalMemory ram, long base, long size) {
        this.device = device;
        long rest = size % MIB; // the contiguous pool is whole MiB; 64K and 4K blocks cover the tail exactly
        MemoryTarget target = vcmm.addGuestRamTarget("ram", ram, base,
                new PoolLayout(size - rest, 0, (int) (rest / 0x10000), (int) (rest % 0x10000 / 0x1000)));
        DirectMaster master = new DirectMaster(device.hostDevice().name());
        Association link = vcmm.create(Vcm.Kind.ONE_TO_ONE, base, size).associate(master, Set.of());
        link.activate();
        master.hookFaults(fault -> FaultAction.TERMINATE); // the device reports its own DMA faults
        device.hostDevice().connectDma(link.memory());
    }

    @Override
    public void close() {
        device.hostDevice().connectDma(null);
        vcmm.close();
    }
}
