package dev.armature.iommu;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.armature.iommu.Fixture.RW;
import static dev.armature.iommu.Fixture.WHOLE;
import static dev.armature.iommu.Fixture.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The seed's walk-throughs, step by step. */
class WalkThroughTest {
    private static final long SZ_4K = 4L << 10;
    private static final long SZ_1K = 1L << 10;
    private static final long SZ_1M = 1L << 20;
    private static final long SZ_2M = 2L << 20;
    private static final long SZ_16M = 16L << 20;

    @Test
    void stageOneDeviceMemoryThenStageTwoTheVmmReadsIt() {
        try (Fixture f = new Fixture()) {
            // Stage 1: map and allocate memory for a device.
            Vcm vcm = f.vcmm.create(0x1000_0000L, SZ_16M);
            assertEquals(Vcm.Kind.IOMMU, vcm.kind());
            SmmuContext dev = Fixture.boundContext("vcodec", 2, 32);
            Association avcm = vcm.associate(dev, WHOLE);
            avcm.activate();
            assertTrue(dev.isActive());
            Reservation res = vcm.reserve(SZ_1M + 64 * SZ_4K, RW);
            PhysicalAllocation physmem = f.vcmm.allocate(f.ram, res.length(), AllocationRequest.BLOCKS);
            res.back(physmem);

            // the device writes its buffer at its own addresses
            byte[] frame = pattern((int) res.length(), 7);
            avcm.memory().write(res.deviceAddress(), frame, 0, frame.length);

            // Stage 2: map the device's memory into the VMM's VCM and read it there.
            Vcm vmm = f.vcmm.fromPrebuilt(Vcmm.PREBUILT_VMM);
            Association avcmVmm = vmm.associate(f.vcmm.cpu(), WHOLE);
            avcmVmm.activate();
            Reservation resVmm = vmm.reserve(res.length(), RW);
            resVmm.back(physmem);
            byte[] seen = new byte[frame.length];
            avcmVmm.memory().read(resVmm.deviceAddress(), seen, 0, seen.length);
            assertArrayEquals(frame, seen);

            // and it is really in guest RAM, block by block (1M block, then sixteen... 64K blocks)
            long off = 0;
            for (Block b : physmem.blocks()) {
                byte[] expect = java.util.Arrays.copyOfRange(frame, (int) off, (int) (off + b.size()));
                assertArrayEquals(expect, f.memory.readBytes(b.pa(), (int) b.size()));
                off += b.size();
            }
            assertEquals(List.of(PageSize.SIZE_1M, PageSize.SIZE_64K, PageSize.SIZE_64K, PageSize.SIZE_64K,
                    PageSize.SIZE_64K), physmem.blocks().stream().map(Block::poolSize).toList());
        }
    }

    @Test
    void iommuOneToOneAndVmmViewsOfOneAllocationSeeTheSameBytes() {
        try (Fixture f = new Fixture()) {
            PhysicalAllocation physmem = f.vcmm.allocate(f.ram, SZ_2M + SZ_4K, AllocationRequest.CONTIGUOUS);
            long physAddr = physmem.physicalAddress();
            long physSize = physmem.length();

            Vcm vcmIommu = f.vcmm.create(SZ_1K, SZ_16M);
            Vcm vcmOneToOne = f.vcmm.create(physAddr, physSize);
            Vcm vcmVmm = f.vcmm.fromPrebuilt(Vcmm.PREBUILT_VMM);
            assertEquals(Vcm.Kind.IOMMU, vcmIommu.kind());
            assertEquals(Vcm.Kind.ONE_TO_ONE, vcmOneToOne.kind());
            assertEquals(Vcm.Kind.VMM, vcmVmm.kind());

            SmmuContext devIommu = Fixture.boundContext("dev-iommu", 1, 16);
            DirectMaster devOneToOne = new DirectMaster("dev-onetoone");
            Association avcmIommu = vcmIommu.associate(devIommu, WHOLE);
            Association avcmOneToOne = vcmOneToOne.associate(devOneToOne, WHOLE);
            Association avcmVmm = vcmVmm.associate(f.vcmm.cpu(), WHOLE);
            avcmIommu.activate();
            avcmOneToOne.activate();
            avcmVmm.activate();

            Reservation resIommu = vcmIommu.reserve(SZ_2M + SZ_4K, RW);
            Reservation resOneToOne = vcmOneToOne.reserve(SZ_2M + SZ_4K, RW);
            Reservation resVmm = vcmVmm.reserve(SZ_2M + SZ_4K, RW);
            resIommu.back(physmem);
            resOneToOne.back(physmem);
            resVmm.back(physmem);

            // the IOMMU reservation starts at the first 1M boundary of [1K, 16M + 1K): two 1M sections and a page
            assertEquals(SZ_1M, resIommu.deviceAddress());
            assertEquals(List.of(SZ_1M, SZ_1M, SZ_4K), resIommu.pages().stream().map(Mapping::size).toList());
            assertEquals(physAddr, resOneToOne.deviceAddress());
            assertEquals(physAddr + SZ_1M, devIommu.translate(SZ_1M + SZ_1M));

            byte[] data = pattern((int) physSize, 3);
            avcmIommu.memory().write(resIommu.deviceAddress(), data, 0, data.length);
            byte[] viaOneToOne = new byte[data.length];
            byte[] viaVmm = new byte[data.length];
            avcmOneToOne.memory().read(resOneToOne.deviceAddress(), viaOneToOne, 0, data.length);
            avcmVmm.memory().read(resVmm.deviceAddress(), viaVmm, 0, data.length);
            assertArrayEquals(data, viaOneToOne);
            assertArrayEquals(data, viaVmm);
            assertArrayEquals(data, f.memory.readBytes(physAddr, data.length));

            // a write through the VMM view is what the device reads next (last page, across a mapping boundary)
            avcmVmm.memory().write(resVmm.deviceAddress() + SZ_2M - 4, 8, 0x1122_3344_5566_7788L);
            assertEquals(0x1122_3344_5566_7788L, avcmIommu.memory().read(resIommu.deviceAddress() + SZ_2M - 4, 8));
            assertEquals(3, physmem.backingCount());
        }
    }
}
