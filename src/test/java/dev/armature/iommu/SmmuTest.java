package dev.armature.iommu;

import dev.armature.vm.Errno;
import dev.armature.vm.KvmException;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.armature.iommu.Fixture.RW;
import static dev.armature.vm.Errno.EBUSY;
import static dev.armature.vm.Errno.EEXIST;
import static dev.armature.vm.Errno.EFAULT;
import static dev.armature.vm.Errno.EINVAL;
import static dev.armature.vm.Errno.ENODEV;
import static dev.armature.vm.Errno.ENOENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SmmuTest {
    private static void assertErrno(Errno errno, Runnable call) {
        assertEquals(errno, assertThrows(KvmException.class, call::run).errno());
    }

    private static void map(SmmuContext ctx, long pa, long va, long len) {
        ctx.updateStart();
        ctx.map(pa, va, len, RW);
        ctx.updateDone();
    }

    @Test
    void mapsEachPageSizeAtAlignedAddressesAndTranslates() {
        SmmuContext ctx = Fixture.boundContext("c", 1, 8);
        ctx.activate();
        map(ctx, 0x4000_1000L, 0x1000, 0x1000);
        map(ctx, 0x4001_0000L, 0x1_0000, 0x1_0000);
        map(ctx, 0x4010_0000L, 0x10_0000, 0x10_0000);
        map(ctx, 0x4100_0000L, 0x100_0000, 0x100_0000);
        assertEquals(0x4000_1abcL, ctx.translate(0x1abc));
        assertEquals(0x4001_fffcL, ctx.translate(0x1_fffc));
        assertEquals(0x4018_0000L, ctx.translate(0x18_0000));
        assertEquals(0x41ff_ffffL, ctx.translate(0x1ff_ffff));
        assertErrno(EFAULT, () -> ctx.translate(0x2000));
        assertEquals(4, ctx.mappingCount());
    }

    @Test
    void refusesBadSizesMisalignmentOverlapAndUnbracketedChanges() {
        SmmuContext ctx = Fixture.boundContext("c", 1, 8);
        assertErrno(EINVAL, () -> ctx.map(0, 0, 0x1000, RW)); // no update_start
        ctx.updateStart();
        assertErrno(EBUSY, ctx::updateStart);
        assertErrno(EINVAL, () -> ctx.map(0, 0, 0x2000, RW));             // 8K is no page size
        assertErrno(EINVAL, () -> ctx.map(0x1000, 0x1_0000, 0x1_0000, RW)); // PA not 64K aligned
        assertErrno(EINVAL, () -> ctx.map(0x10_0000, 0x8_0000, 0x10_0000, RW)); // VA not 1M aligned
        assertErrno(EINVAL, () -> ctx.map(0, 0x1_0000_0000L, 0x1000, RW)); // beyond 32 bits
        ctx.map(0x10_0000, 0x10_0000, 0x10_0000, RW);
        assertErrno(EEXIST, () -> ctx.map(0x1000, 0x18_0000, 0x1000, RW));
        assertErrno(ENOENT, () -> ctx.unmap(0x10_0000, 0x1000));
        ctx.unmap(0x10_0000, 0x10_0000);
        ctx.updateDone();
        assertErrno(EINVAL, ctx::updateDone);
        assertEquals(0, ctx.mappingCount());
    }

    @Test
    void sharedTlbCountsHitsMissesAndEvictsLeastRecentlyUsed() {
        Smmu smmu = new Smmu("smmu0", 2, 2);
        SmmuContext a = new SmmuContext("a", 0);
        SmmuContext b = new SmmuContext("b", 1);
        a.bind(smmu);
        b.bind(smmu);
        a.activate();
        b.activate();
        map(a, 0x4000_0000L, 0, 0x1000);
        map(a, 0x4000_1000L, 0x1000, 0x1000);
        map(b, 0x4000_2000L, 0, 0x1000);
        a.translate(0x10);   // miss: A0
        a.translate(0x20);   // hit A0
        b.translate(0x30);   // miss: the same VA in another bank is another entry, B0
        a.translate(0x1010); // miss: A1 evicts A0, the least recently used
        b.translate(0x40);   // hit B0
        a.translate(0x10);   // miss: A0 evicts A1
        IoTlb tlb = smmu.tlb();
        assertEquals(2, tlb.hits());
        assertEquals(4, tlb.misses());
        assertEquals(2, tlb.evictions());
        assertEquals(2, tlb.occupancy());
        assertEquals(0x4000_2040L, b.translate(0x40));
    }

    @Test
    void unmapTakesEffectAtUpdateDone() {
        SmmuContext ctx = Fixture.boundContext("c", 1, 8);
        ctx.activate();
        map(ctx, 0x4000_0000L, 0, 0x1000);
        assertEquals(0x4000_0000L, ctx.translate(0));
        ctx.updateStart();
        ctx.unmap(0, 0x1000);
        assertEquals(0x4000_0000L, ctx.translate(0)); // stale TLB entry until the update is done
        ctx.updateDone();
        assertErrno(EFAULT, () -> ctx.translate(0));
    }

    @Test
    void activationIsAContextSwitchOnTheBank() {
        Smmu smmu = new Smmu("smmu0", 1, 8);
        SmmuContext a = new SmmuContext("a", 0);
        SmmuContext b = new SmmuContext("b", 0);
        assertErrno(ENODEV, a::activate);
        a.bind(smmu);
        b.bind(smmu);
        assertErrno(EINVAL, () -> new SmmuContext("c", 1).bind(smmu)); // no bank 1
        map(a, 0x4000_0000L, 0, 0x1000);
        map(b, 0x5000_0000L, 0, 0x1000);
        a.activate();
        assertEquals(0x4000_0000L, a.translate(0));
        b.activate();
        assertFalse(a.isActive());
        assertSame(b, smmu.resident(0));
        assertEquals(0x5000_0000L, b.translate(0)); // no stale entry of a survives the switch
        assertErrno(ENODEV, () -> a.translate(0));
        assertEquals(2, smmu.contextSwitches());
        assertErrno(EBUSY, b::unbind);
        b.deactivate();
        b.unbind();
        assertErrno(EINVAL, b::deactivate);
    }

    @Test
    void faultHookRetriesAfterFixingTheMappingOrTerminates() {
        SmmuContext ctx = Fixture.boundContext("c", 1, 8);
        ctx.activate();
        List<Fault> seen = new ArrayList<>();
        ctx.hookFaults(fault -> {
            seen.add(fault);
            ctx.updateStart();
            ctx.map(0x4000_0000L, fault.deviceAddress() & ~0xfffL, 0x1000, Set.of(MappingAttribute.READ));
            ctx.updateDone();
            return FaultAction.RETRY;
        });
        assertEquals(0x4000_0123L, ctx.translate(0x7123, Access.READ));
        assertEquals(List.of(new Fault(ctx, 0x7123, Access.READ, Fault.Reason.TRANSLATION)), seen);

        ctx.hookFaults(fault -> {
            seen.add(fault);
            return FaultAction.TERMINATE;
        });
        DmaFault f = assertThrows(DmaFault.class, () -> ctx.translate(0x7000, Access.WRITE));
        assertEquals(Fault.Reason.PERMISSION, f.fault().reason());

        int before = seen.size();
        ctx.hookFaults(fault -> {
            seen.add(fault);
            return FaultAction.RETRY; // never fixes anything
        });
        assertThrows(DmaFault.class, () -> ctx.translate(0x9000, Access.READ));
        assertEquals(DmaMaster.MAX_RETRIES + 1, seen.size() - before);

        ctx.hookFaults(null);
        assertThrows(DmaFault.class, () -> ctx.translate(0x9000, Access.READ));
    }

    @Test
    void splitSendsTopBitAddressesToTheHighTable() {
        SmmuContext ctx = Fixture.boundContext("c", 1, 8);
        ctx.setSplit(true);
        ctx.activate();
        map(ctx, 0x4000_0000L, 0x1000, 0x1000);
        map(ctx, 0x5000_0000L, 0x8000_1000L, 0x1000);
        assertEquals(0x4000_0010L, ctx.translate(0x1010));
        assertEquals(0x5000_0010L, ctx.translate(0x8000_1010L));
        assertErrno(EBUSY, () -> ctx.setSplit(false));
        assertTrue(ctx.isSplit());
    }
}
