package dev.armature.arch.aarch64.insn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.armature.arch.aarch64.CpuTestSupport;
import dev.armature.arch.aarch64.Esr;

import org.junit.jupiter.api.Test;

/** CheckSPAlignment(): SP-based loads and stores with SCTLR_ELx.SA/SA0 (Arm ARM D1.8.2). */
class SpAlignmentTest {
    private static final long SA = 1L << 3;
    private static final long SA0 = 1L << 4;
    private static final long STACK = CpuTestSupport.RAM + 0x8000;

    private final CpuTestSupport t = new CpuTestSupport();

    @Test
    void misalignedSpFaultsWhenSaIsSet() {
        t.cpu.sys.sctlrEl1 |= SA;
        t.sp(STACK + 8).run(0xf9400be7); // ldr x7, [sp, #16]
        assertEquals(Esr.EC_SP_ALIGN, t.exception.ec);
        assertEquals(0, t.exception.iss);
        assertEquals(CpuTestSupport.CODE, t.exception.preferredReturn);
        t.sp(STACK + 8).run(0xa9bf7bfd); // stp x29, x30, [sp, #-16]! — SP checked before the writeback
        assertEquals(Esr.EC_SP_ALIGN, t.exception.ec);
        assertEquals(STACK + 8, t.sp());
    }

    @Test
    void alignedSpPrefetchesOtherBasesAndSaClearDoNotFault() {
        t.cpu.sys.sctlrEl1 |= SA;
        t.sp(STACK).run(0xf9400be7); // ldr x7, [sp, #16]
        assertNull(t.exception);
        t.sp(STACK + 4).run(0xf98003e0); // prfm pldl1keep, [sp]: a prefetch does not check
        assertNull(t.exception);
        t.sp(STACK + 4).x(1, STACK).run(0xf9400027); // ldr x7, [x1]
        assertNull(t.exception);
        t.cpu.sys.sctlrEl1 &= ~SA;
        t.sp(STACK + 8).run(0xf9400be7);
        assertNull(t.exception);
    }

    @Test
    void el0UsesSa0() {
        t.cpu.sys.sctlrEl1 = t.cpu.sys.sctlrEl1 & ~(SA | SA0);
        t.cpu.setMode(0, false);
        t.sp(STACK + 8).run(0xf9400be7);
        assertNull(t.exception);
        t.cpu.sys.sctlrEl1 |= SA0;
        t.sp(STACK + 8).run(0xf9400be7);
        assertEquals(Esr.EC_SP_ALIGN, t.exception.ec);
    }
}
