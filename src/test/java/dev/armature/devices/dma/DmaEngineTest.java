package dev.armature.devices.dma;

import dev.armature.iommu.AllocationRequest;
import dev.armature.iommu.Association;
import dev.armature.iommu.DirectMaster;
import dev.armature.iommu.FaultAction;
import dev.armature.iommu.MappingAttribute;
import dev.armature.iommu.MemoryTarget;
import dev.armature.iommu.PhysicalAllocation;
import dev.armature.iommu.PoolLayout;
import dev.armature.iommu.Reservation;
import dev.armature.iommu.Smmu;
import dev.armature.iommu.SmmuContext;
import dev.armature.iommu.Vcm;
import dev.armature.iommu.Vcmm;
import dev.armature.memory.PhysicalMemory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static dev.armature.devices.dma.DmaEngine.CTRL;
import static dev.armature.devices.dma.DmaEngine.CTRL_GO;
import static dev.armature.devices.dma.DmaEngine.CTRL_IRQ_EN;
import static dev.armature.devices.dma.DmaEngine.DST;
import static dev.armature.devices.dma.DmaEngine.FAULT;
import static dev.armature.devices.dma.DmaEngine.LEN;
import static dev.armature.devices.dma.DmaEngine.SRC;
import static dev.armature.devices.dma.DmaEngine.STATUS;
import static dev.armature.devices.dma.DmaEngine.STATUS_DONE;
import static dev.armature.devices.dma.DmaEngine.STATUS_ERROR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Drives the engine's registers directly; its DMA goes through an SMMU context or a one-to-one VCM. */
class DmaEngineTest {
    private static final long RAM = 0x4000_0000L;
    private static final Set<MappingAttribute> RW = EnumSet.of(MappingAttribute.READ, MappingAttribute.WRITE);

    private final PhysicalMemory memory = new PhysicalMemory();
    private final Vcmm vcmm = new Vcmm();
    private final List<Boolean> irq = new ArrayList<>();
    private MemoryTarget ram;

    @BeforeEach
    void setUp() {
        memory.addRam("ram", RAM, 8L << 20);
        ram = vcmm.addGuestRamTarget("ram", memory, RAM, new PoolLayout(4L << 20, 1, 4, 16));
    }

    @AfterEach
    void tearDown() {
        vcmm.close();
        memory.close();
    }

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + 1);
        }
        return b;
    }

    @Test
    void copiesThroughAnSmmuContextAndInterrupts() {
        SmmuContext ctx = new SmmuContext("dma", 0);
        ctx.bind(new Smmu("smmu", 1, 8));
        Vcm vcm = vcmm.create(Vcm.Kind.IOMMU, 0x100_0000L, 0x100_0000L);
        Association assoc = vcm.associate(ctx, Set.of());
        assoc.activate();
        Reservation from = vcm.reserve(0x3000, RW);
        Reservation to = vcm.reserve(0x3000, RW);
        PhysicalAllocation a = vcmm.allocate(ram, 0x3000, AllocationRequest.BLOCKS);
        PhysicalAllocation b = vcmm.allocate(ram, 0x3000, AllocationRequest.BLOCKS);
        from.back(a);
        to.back(b);
        byte[] data = pattern(0x3000);
        assoc.memory().write(from.deviceAddress(), data, 0, data.length);

        DmaEngine dma = new DmaEngine(assoc.memory(), irq::add);
        assertEquals(DmaEngine.ID_VALUE, dma.read(DmaEngine.ID, 4));
        dma.write(SRC, 8, from.deviceAddress() + 0x10);
        dma.write(DST, 4, to.deviceAddress() + 0x20);
        dma.write(LEN, 4, 0x2000);
        dma.write(CTRL, 4, CTRL_GO | CTRL_IRQ_EN);

        assertEquals(STATUS_DONE, dma.read(STATUS, 4));
        assertEquals(List.of(true), irq);
        byte[] copied = memory.readBytes(b.blocks().getFirst().pa() + 0x20, 0x1000 - 0x20);
        assertArrayEquals(Arrays.copyOfRange(data, 0x10, 0x1000 - 0x10), copied);
        byte[] viaDevice = new byte[0x2000];
        assoc.memory().read(to.deviceAddress() + 0x20, viaDevice, 0, viaDevice.length);
        assertArrayEquals(Arrays.copyOfRange(data, 0x10, 0x2010), viaDevice);

        dma.write(STATUS, 4, STATUS_DONE);
        assertEquals(0, dma.read(STATUS, 4));
        assertEquals(List.of(true, false), irq);
    }

    @Test
    void aFaultStopsTheCopyAndReportsTheAddress() {
        Vcm direct = vcmm.create(RAM, 4L << 20);
        Association assoc = direct.associate(new DirectMaster("dma"), Set.of());
        assoc.activate();
        assoc.device().hookFaults(f -> FaultAction.TERMINATE);
        DmaEngine dma = new DmaEngine(assoc.memory(), irq::add);
        dma.write(SRC, 8, RAM + (4L << 20) - 0x1000); // the last page of the VCM, then beyond it
        dma.write(DST, 8, RAM);
        dma.write(LEN, 4, 0x2000);
        dma.write(CTRL, 4, CTRL_GO);
        assertEquals(STATUS_ERROR, dma.read(STATUS, 4));
        assertEquals(RAM + (4L << 20), dma.read(FAULT, 8));
        assertEquals(List.of(false), irq); // interrupt not enabled
        dma.write(CTRL, 4, CTRL_IRQ_EN);
        assertEquals(List.of(false, true), irq);
    }
}
