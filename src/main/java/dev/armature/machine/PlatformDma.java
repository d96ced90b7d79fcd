package dev.armature.machine;

import dev.armature.devices.InterruptLine;
import dev.armature.devices.dma.DmaEngine;
import dev.armature.iommu.AllocationRequest;
import dev.armature.iommu.Association;
import dev.armature.iommu.DirectMaster;
import dev.armature.iommu.DmaMaster;
import dev.armature.iommu.FaultAction;
import dev.armature.iommu.MemoryTarget;
import dev.armature.iommu.PhysicalAllocation;
import dev.armature.iommu.PoolLayout;
import dev.armature.iommu.Reservation;
import dev.armature.iommu.Smmu;
import dev.armature.iommu.SmmuContext;
import dev.armature.iommu.Vcm;
import dev.armature.iommu.Vcmm;
import dev.armature.memory.PhysicalMemory;

import java.util.EnumSet;
import java.util.Set;

import static dev.armature.iommu.MappingAttribute.READ;
import static dev.armature.iommu.MappingAttribute.WRITE;
import static dev.armature.machine.VirtMemoryMap.RAM_BASE;

/**
 * The DMA test engine ({@code -device armature-dma}) as the {@code virt} board wires it: the first device of the
 * platform bus, and the device address space its DMA goes through.
 *
 * <p>Without an IOMMU the engine gets a one-to-one VCM over guest RAM: device addresses are guest physical
 * addresses. With {@code iommu=on} it sits behind an SMMU context that the board (the VMM, as VFIO type 1 does)
 * fills once with a mapping of guest RAM at device address {@link #IOVA_BASE}; the guest cannot reprogram it, so
 * the device tree describes it as a fixed translation ({@code dma-ranges}, see {@link #window}).
 */
public final class PlatformDma implements AutoCloseable {
    /** Where guest RAM appears in the device address space behind the SMMU. */
    public static final long IOVA_BASE = 0x1000_0000L;
    /** The register window on the bus: one page, although the registers take {@link DmaEngine#WINDOW} bytes. */
    public static final long REG_SIZE = 0x1000;
    private static final long MIB = 1L << 20;
    private static final int SMMU_TLB_ENTRIES = 64;

    /** Device addresses {@code [deviceBase, deviceBase + length)} reach guest physical ones from {@code physicalBase}. */
    public record Window(long deviceBase, long physicalBase, long length) {
    }

    private final Vcmm vcmm = new Vcmm();
    private final DmaMaster master;
    private final DmaEngine engine;

    /**
     * Builds the engine's address space over the board's RAM and the engine itself, raising {@code irq}.
     *
     * @throws IllegalArgumentException if {@code config} has no DMA engine
     */
    PlatformDma(VirtConfig config, PhysicalMemory mem, InterruptLine irq) {
        Window w = window(config);
        long ram = config.ramSize();
        long rest = ram % MIB; // the contiguous pool is whole MiB; 64K and 4K blocks cover the tail exactly
        MemoryTarget target = vcmm.addGuestRamTarget("ram", mem, RAM_BASE,
                new PoolLayout(ram - rest, 0, (int) (rest / 0x10000), (int) (rest % 0x10000 / 0x1000)));
        Association link;
        if (config.dma() == VirtConfig.Dma.IOMMU) {
            SmmuContext context = new SmmuContext("armature-dma", 0);
            context.bind(new Smmu("smmu", 1, SMMU_TLB_ENTRIES));
            Vcm vcm = vcmm.create(Vcm.Kind.IOMMU, w.deviceBase(), w.length());
            link = vcm.associate(context, Set.of());
            Reservation guestRam = vcm.reserve(w.length(), EnumSet.of(READ, WRITE));
            PhysicalAllocation backing = vcmm.allocate(target, w.length(), AllocationRequest.CONTIGUOUS);
            guestRam.back(backing);
            if (guestRam.deviceAddress() != w.deviceBase() || backing.physicalAddress() != w.physicalBase()) {
                throw new IllegalStateException("the SMMU mapping differs from the device tree's dma-ranges");
            }
            master = context;
        } else {
            master = new DirectMaster("armature-dma");
            link = vcmm.create(Vcm.Kind.ONE_TO_ONE, w.deviceBase(), w.length()).associate(master, Set.of());
        }
        link.activate();
        // A fault is reported to the guest in STATUS.ERROR and FAULT, as the hardware would; nothing to log.
        master.hookFaults(fault -> FaultAction.TERMINATE);
        engine = new DmaEngine(link.memory(), irq);
    }

    /**
     * The part of guest RAM the engine reaches and at which device addresses: all of RAM one-to-one, or (behind
     * the SMMU) RAM from {@link #IOVA_BASE}, in whole MiB and as far as the SMMU's 32-bit input addresses go.
     */
    public static Window window(VirtConfig config) {
        return switch (config.dma()) {
            case NONE -> throw new IllegalArgumentException("the board has no DMA engine");
            case DIRECT -> new Window(RAM_BASE, RAM_BASE, config.ramSize());
            case IOMMU -> new Window(IOVA_BASE, RAM_BASE,
                    Math.min(config.ramSize() & -MIB, (1L << Smmu.INPUT_BITS) - IOVA_BASE));
        };
    }

    public DmaEngine engine() {
        return engine;
    }

    /** The engine's DMA master: its SMMU context, or the direct master of its one-to-one VCM. */
    public DmaMaster master() {
        return master;
    }

    @Override
    public void close() {
        vcmm.close();
    }
}
