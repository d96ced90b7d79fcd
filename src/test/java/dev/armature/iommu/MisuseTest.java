package dev.armature.iommu;

import dev.armature.vm.Errno;
import dev.armature.vm.KvmException;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Set;

import static dev.armature.iommu.AssociationAttribute.SPLIT;
import static dev.armature.iommu.AssociationAttribute.USE_HIGH;
import static dev.armature.iommu.AssociationAttribute.USE_LOW;
import static dev.armature.iommu.Fixture.RW;
import static dev.armature.iommu.Fixture.WHOLE;
import static dev.armature.vm.Errno.EBADF;
import static dev.armature.vm.Errno.EBUSY;
import static dev.armature.vm.Errno.EEXIST;
import static dev.armature.vm.Errno.EINVAL;
import static dev.armature.vm.Errno.ENODEV;
import static dev.armature.vm.Errno.ENOENT;
import static dev.armature.vm.Errno.ENOMEM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every misuse is refused with its errno, and the refused call changes nothing. */
class MisuseTest {
    private static void refused(Errno errno, Fixture f, Runnable call) {
        String before = StateDump.of(f);
        assertEquals(errno, assertThrows(KvmException.class, call::run).errno());
        assertEquals(before, StateDump.of(f));
    }

    @Test
    void vcmLifecycle() {
        try (Fixture f = new Fixture()) {
            Vcm vcm = f.vcmm.create(0x10_0000, 0x10_0000);
            Reservation r = vcm.reserve(0x1000, RW);
            refused(EBUSY, f, vcm::free);
            refused(ENOMEM, f, () -> vcm.reserve(0x20_0000, RW));
            refused(EINVAL, f, () -> vcm.reserve(0x1800, RW));
            refused(EINVAL, f, () -> vcm.reserve(0x1000, EnumSet.of(MappingAttribute.NOT_CACHED,
                    MappingAttribute.WRITE_THROUGH)));
            refused(EINVAL, f, () -> f.vcmm.fromPrebuilt(Vcmm.PREBUILT_VMM).free());
            refused(ENOENT, f, () -> f.vcmm.fromPrebuilt(1));
            refused(EINVAL, f, () -> f.vcmm.create(Vcm.Kind.ONE_TO_ONE, 0, 0x1000));
            r.unreserve();
            refused(EBADF, f, r::unreserve);
            refused(EBADF, f, r::deviceAddress);
            vcm.free();
            refused(EBADF, f, vcm::free);
            refused(EBADF, f, () -> vcm.reserve(0x1000, RW));
            refused(EBADF, f, () -> vcm.associate(f.vcmm.cpu(), WHOLE));
        }
    }

    @Test
    void backingAndUnbacking() {
        try (Fixture f = new Fixture()) {
            Vcm vcm = f.vcmm.create(0x10_0000, 0x100_0000);
            SmmuContext ctx = f.track(Fixture.boundContext("c", 1, 8));
            vcm.associate(ctx, WHOLE).activate();
            Reservation r = vcm.reserve(0x2000, RW);
            PhysicalAllocation small = f.vcmm.allocate(f.ram, 0x1000, AllocationRequest.BLOCKS);
            PhysicalAllocation right = f.vcmm.allocate(f.ram, 0x2000, AllocationRequest.BLOCKS);
            refused(EINVAL, f, () -> r.back(small));
            refused(EINVAL, f, r::unback);
            r.back(right);
            refused(EBUSY, f, () -> r.back(right));
            refused(EBUSY, f, r::unreserve);
            refused(EBUSY, f, right::free);
            ctx.updateStart(); // someone else is changing the context's tables: the VCM must not interleave
            refused(EBUSY, f, r::unback);
            ctx.updateDone();
            r.unback();
            refused(EINVAL, f, r::unback);
            small.free();
            refused(EBADF, f, small::free);
            refused(EBADF, f, () -> r.back(small));
        }
    }

    @Test
    void oneToOneNeedsContiguousMemoryInsideIt() {
        try (Fixture f = new Fixture()) {
            PhysicalAllocation blocks = f.vcmm.allocate(f.ram, 0x2_0000, AllocationRequest.BLOCKS);
            Vcm direct = f.vcmm.create(Fixture.RAM, 16L << 20);
            assertEquals(Vcm.Kind.ONE_TO_ONE, direct.kind());
            Reservation r = direct.reserve(0x2_0000, RW);
            refused(EINVAL, f, r::deviceAddress);
            refused(EINVAL, f, () -> r.back(blocks)); // two 64K blocks: not contiguous
            refused(ENOMEM, f, () -> direct.reserve(16L << 20, RW)); // only 16M - 128K left
        }
    }

    @Test
    void associations() {
        try (Fixture f = new Fixture()) {
            Vcm low = f.vcmm.create(0x10_0000, 0x10_0000);
            Vcm high = f.vcmm.create(0x8000_0000L, 0x10_0000);
            Vcm wide = f.vcmm.create(0xfff0_0000L, 0x20_0000);
            SmmuContext ctx = f.track(new SmmuContext("c", 0));
            DirectMaster plain = new DirectMaster("plain");
            refused(EINVAL, f, () -> low.associate(plain, WHOLE));
            refused(EINVAL, f, () -> f.vcmm.fromPrebuilt(Vcmm.PREBUILT_VMM).associate(plain, WHOLE));
            refused(EINVAL, f, () -> low.associate(ctx, Set.of(USE_HIGH)));
            refused(EINVAL, f, () -> low.associate(ctx, Set.of(SPLIT)));
            refused(EINVAL, f, () -> low.associate(ctx, Set.of(SPLIT, USE_HIGH))); // low VCM in the high half
            refused(EINVAL, f, () -> wide.associate(ctx, WHOLE)); // beyond 32 bits
            Association lo = low.associate(ctx, Set.of(SPLIT, USE_LOW));
            refused(EEXIST, f, () -> low.associate(ctx, Set.of(SPLIT, USE_LOW)));
            refused(EBUSY, f, () -> high.associate(ctx, WHOLE));
            Association hi = high.associate(ctx, Set.of(SPLIT, USE_HIGH)); // many VCMs, one device
            refused(ENODEV, f, lo::activate); // context bound to no SMMU
            ctx.bind(new Smmu("s", 1, 4));
            lo.activate();
            hi.activate();
            refused(EBUSY, f, lo::activate);
            refused(EBUSY, f, lo::dissociate);
            lo.deactivate();
            assertTrue(ctx.isActive()); // the high VCM still uses it
            hi.deactivate();
            assertTrue(!ctx.isActive());
            refused(EINVAL, f, hi::deactivate);
            lo.dissociate();
            refused(EBADF, f, lo::activate);
            refused(EBUSY, f, high::free);
        }
    }

    @Test
    void oneVcmWithManyDevicesAndReferenceCounting() {
        try (Fixture f = new Fixture()) {
            Vcm direct = f.vcmm.create(Fixture.RAM, 1L << 20);
            Association a = direct.associate(new DirectMaster("a"), WHOLE);
            Association b = direct.associate(new DirectMaster("b"), WHOLE);
            refused(EINVAL, f, () -> direct.associate(new DirectMaster("c"), Set.of(SPLIT, USE_LOW)));
            a.activate();
            b.activate();
            assertEquals(2, direct.activeAssociations());
            a.deactivate();
            assertEquals(1, direct.activeAssociations());
        }
    }
}
