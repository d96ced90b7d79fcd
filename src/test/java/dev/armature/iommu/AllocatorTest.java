package dev.armature.iommu;

import dev.armature.vm.Errno;
import dev.armature.vm.KvmException;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.armature.vm.Errno.EEXIST;
import static dev.armature.vm.Errno.EINVAL;
import static dev.armature.vm.Errno.ENOMEM;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AllocatorTest {
    private static final long K4 = 4096;
    private static final long K64 = 64 << 10;
    private static final long M1 = 1 << 20;

    private static Errno errno(Runnable call) {
        return assertThrows(KvmException.class, call::run).errno();
    }

    private static List<Long> sizes(PhysicalAllocation a) {
        return a.blocks().stream().map(Block::size).toList();
    }

    @Test
    void largestBlocksThatFitFirst() {
        try (Fixture f = new Fixture(new PoolLayout(0, 2, 4, 8))) {
            PhysicalAllocation a = f.vcmm.allocate(f.ram, M1 + 2 * K64 + 3 * K4, AllocationRequest.BLOCKS);
            assertEquals(List.of(M1, K64, K64, K4, K4, K4), sizes(a));
            // the 1M pool is drawn first from, lowest address first, each block aligned to its size
            for (Block b : a.blocks()) {
                assertEquals(0, b.pa() % b.size());
            }
            assertEquals(Fixture.RAM, a.blocks().getFirst().pa());
        }
    }

    @Test
    void fallsBackToSmallerBlocksButNeverSplitsOne() {
        try (Fixture f = new Fixture(new PoolLayout(0, 1, 2, 4))) {
            // 1M pool has one block: the second megabyte comes from 64K and 4K blocks... which are too few
            PoolStats before = f.ram.stats();
            assertEquals(ENOMEM, errno(() -> f.vcmm.allocate(f.ram, 2 * M1, AllocationRequest.BLOCKS)));
            assertEquals(before, f.ram.stats()); // nothing kept from the refused request
            // 4K pool empty and 64K blocks free: a 4K request is refused rather than split a 64K block
            f.vcmm.allocate(f.ram, 4 * K4, AllocationRequest.blocks(PageSize.SIZE_4K));
            assertEquals(ENOMEM, errno(() -> f.vcmm.allocate(f.ram, K4, AllocationRequest.BLOCKS)));
            assertEquals(2, f.ram.stats().freeBlocks().get(PageSize.SIZE_64K));
            // 1M wanted but only 64K blocks allowed: sixteen of them would be needed, there are two
            assertEquals(ENOMEM, errno(() -> f.vcmm.allocate(f.ram, M1, AllocationRequest.blocks(PageSize.SIZE_64K))));
            PhysicalAllocation big = f.vcmm.allocate(f.ram, M1 + K64, AllocationRequest.BLOCKS);
            assertEquals(List.of(M1, K64), sizes(big));
        }
    }

    @Test
    void alignmentExcludesSmallerBlocksAndAlignsContiguousRanges() {
        try (Fixture f = new Fixture(new PoolLayout(4 * M1, 1, 4, 16))) {
            PhysicalAllocation a = f.vcmm.allocate(f.ram, 2 * K64,
                    new AllocationRequest(false, K64, AllocationRequest.BLOCKS.blockSizes()));
            assertEquals(List.of(K64, K64), sizes(a));
            f.vcmm.allocate(f.ram, K4, AllocationRequest.CONTIGUOUS);
            PhysicalAllocation c = f.vcmm.allocate(f.ram, K4, AllocationRequest.contiguous(M1));
            assertEquals(Fixture.RAM + M1, c.physicalAddress());
            assertEquals(EINVAL, errno(() -> AllocationRequest.contiguous(3 * K4)));
            assertEquals(EINVAL, errno(() -> f.vcmm.allocate(f.ram, 100, AllocationRequest.CONTIGUOUS)));
        }
    }

    @Test
    void fragmentationAndFreeSpaceAreObservableAndFreeingReturnsEverything() {
        try (Fixture f = new Fixture(new PoolLayout(4 * M1, 0, 0, 0))) {
            PoolStats empty = f.ram.stats();
            assertEquals(4 * M1, empty.freeBytes());
            assertEquals(0.0, empty.fragmentation());
            PhysicalAllocation[] parts = new PhysicalAllocation[4];
            for (int i = 0; i < 4; i++) {
                parts[i] = f.vcmm.allocate(f.ram, M1, AllocationRequest.CONTIGUOUS);
            }
            parts[0].free();
            parts[2].free();
            PoolStats holes = f.ram.stats();
            assertEquals(2 * M1, holes.contiguousFree());
            assertEquals(M1, holes.contiguousLargest());
            assertEquals(2, holes.contiguousFragments());
            assertEquals(0.5, holes.fragmentation());
            assertEquals(ENOMEM, errno(() -> f.vcmm.allocate(f.ram, 2 * M1, AllocationRequest.CONTIGUOUS)));
            parts[1].free();
            parts[3].free();
            assertEquals(empty, f.ram.stats());
            assertTrue(f.vcmm.allocations().isEmpty());
        }
    }

    @Test
    void hostTargetMemoryIsReachableOnlyThroughAVcm() {
        try (Fixture f = new Fixture()) {
            MemoryTarget host = f.vcmm.addHostTarget("host", 0x10_0000_0000L, new PoolLayout(M1, 0, 0, 0));
            assertFalse(host.isGuestRam());
            assertEquals(EEXIST, errno(() -> f.vcmm.addHostTarget("again", 0x10_0000_0000L,
                    new PoolLayout(M1, 0, 0, 0))));
            assertEquals(EINVAL, errno(() -> f.vcmm.addGuestRamTarget("no-ram", f.memory, 0x8000_0000L,
                    new PoolLayout(M1, 0, 0, 0))));
            PhysicalAllocation a = f.vcmm.allocate(host, 2 * K4, AllocationRequest.CONTIGUOUS);
            Vcm vmm = f.vcmm.fromPrebuilt(Vcmm.PREBUILT_VMM);
            Association cpu = vmm.associate(f.vcmm.cpu(), Fixture.WHOLE);
            cpu.activate();
            Reservation r = vmm.reserve(2 * K4, Fixture.RW);
            r.back(a);
            byte[] data = Fixture.pattern(8192, 9);
            cpu.memory().write(r.deviceAddress(), data, 0, data.length);
            byte[] back = new byte[data.length];
            cpu.memory().read(r.deviceAddress(), back, 0, back.length);
            assertArrayEquals(data, back);
        }
    }
}
