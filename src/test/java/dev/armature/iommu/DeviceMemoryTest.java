package dev.armature.iommu;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static dev.armature.iommu.Fixture.RW;
import static dev.armature.iommu.Fixture.WHOLE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Device transactions through each kind of VCM, and the fault paths. */
class DeviceMemoryTest {
    @Test
    void faultHookBacksAReservationOnDemandAndRetries() {
        try (Fixture f = new Fixture()) {
            Vcm vcm = f.vcmm.create(0x100_0000L, 0x100_0000L);
            SmmuContext ctx = Fixture.boundContext("lazy", 1, 8);
            Association dev = vcm.associate(ctx, WHOLE);
            dev.activate();
            Reservation r = vcm.reserve(0x1_0000, RW);
            List<Fault> faults = new ArrayList<>();
            ctx.hookFaults(fault -> {
                faults.add(fault);
                r.back(f.vcmm.allocate(f.ram, r.length(), AllocationRequest.BLOCKS));
                return FaultAction.RETRY;
            });
            dev.memory().write(r.deviceAddress() + 8, 4, 0xcafe_f00dL);
            assertEquals(1, faults.size());
            assertEquals(Fault.Reason.TRANSLATION, faults.getFirst().reason());
            assertEquals(0xcafe_f00dL, f.memory.read(r.backing().blocks().getFirst().pa() + 8, 4));
            assertEquals(0xcafe_f00dL, dev.memory().read(r.deviceAddress() + 8, 4));
        }
    }

    @Test
    void twoVcmsShareOneContextThroughItsSplitTables() {
        try (Fixture f = new Fixture()) {
            SmmuContext ctx = Fixture.boundContext("split", 1, 8);
            Vcm low = f.vcmm.create(0x10_0000L, 0x10_0000L);
            Vcm high = f.vcmm.create(0x8010_0000L, 0x10_0000L);
            Association lo = low.associate(ctx, Set.of(AssociationAttribute.SPLIT, AssociationAttribute.USE_LOW));
            Association hi = high.associate(ctx, Set.of(AssociationAttribute.SPLIT, AssociationAttribute.USE_HIGH));
            lo.activate();
            hi.activate();
            Reservation a = low.reserve(0x1000, RW);
            Reservation b = high.reserve(0x1000, RW);
            a.back(f.vcmm.allocate(f.ram, 0x1000, AllocationRequest.CONTIGUOUS));
            b.back(f.vcmm.allocate(f.ram, 0x1000, AllocationRequest.CONTIGUOUS));
            lo.memory().write(a.deviceAddress(), 8, 0x1111L);
            hi.memory().write(b.deviceAddress(), 8, 0x2222L);
            assertEquals(0x1111L, f.memory.read(a.backing().physicalAddress(), 8));
            assertEquals(0x2222L, f.memory.read(b.backing().physicalAddress(), 8));
            assertEquals(b.backing().physicalAddress(), ctx.translate(b.deviceAddress()));
        }
    }

    @Test
    void inactiveAssociationsAndReadOnlyMappingsFault() {
        try (Fixture f = new Fixture()) {
            Vcm vmm = f.vcmm.fromPrebuilt(Vcmm.PREBUILT_VMM);
            Association cpu = vmm.associate(f.vcmm.cpu(), WHOLE);
            Reservation ro = vmm.reserve(0x1000, EnumSet.of(MappingAttribute.READ));
            ro.back(f.vcmm.allocate(f.ram, 0x1000, AllocationRequest.BLOCKS));
            List<Fault.Reason> reasons = new ArrayList<>();
            f.vcmm.cpu().hookFaults(fault -> {
                reasons.add(fault.reason());
                return FaultAction.TERMINATE;
            });
            assertThrows(DmaFault.class, () -> cpu.memory().read(ro.deviceAddress(), 4));
            cpu.activate();
            assertEquals(0, cpu.memory().read(ro.deviceAddress(), 4));
            assertThrows(DmaFault.class, () -> cpu.memory().write(ro.deviceAddress(), 4, 1));
            assertThrows(DmaFault.class, () -> cpu.memory().read(ro.deviceAddress() + 0x1000, 4));
            assertEquals(List.of(Fault.Reason.INACTIVE, Fault.Reason.PERMISSION, Fault.Reason.TRANSLATION), reasons);
        }
    }

    @Test
    void aTransferCrossingMappingsIsSplitAndStopsAtAFault() {
        try (Fixture f = new Fixture()) {
            Vcm direct = f.vcmm.create(Fixture.RAM, 0x2000);
            Association dev = direct.associate(new DirectMaster("d"), WHOLE);
            dev.activate();
            byte[] data = Fixture.pattern(0x3000, 5);
            DmaFault fault = assertThrows(DmaFault.class, () -> dev.memory().write(Fixture.RAM, data, 0, data.length));
            assertEquals(Fixture.RAM + 0x2000, fault.fault().deviceAddress());
            assertArrayEquals(java.util.Arrays.copyOf(data, 0x2000), f.memory.readBytes(Fixture.RAM, 0x2000));
        }
    }
}
