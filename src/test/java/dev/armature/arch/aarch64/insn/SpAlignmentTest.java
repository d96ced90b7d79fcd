package dev.armature.arch.aarch64.insn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.CpuTestSupport;
import dev.armature.arch.aarch64.Esr;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

    /** Every kind of access with a base register checks SP, before its FP enable check and before any writeback. */
    @ParameterizedTest
    @ValueSource(ints = {
        0xf8616be7, // ldr x7, [sp, x1]
        0xf8400be7, // ldtr x7, [sp]
        0xf8000be7, // sttr x7, [sp]
        0xc85f7fe7, // ldxr x7, [sp]
        0xc8027fe7, // stxr w2, x7, [sp]
        0xc87f1fe6, // ldxp x6, x7, [sp]
        0xc8221fe6, // stxp w2, x6, x7, [sp]
        0xc8dfffe7, // ldar x7, [sp]
        0xc89fffe7, // stlr x7, [sp]
        0xf82103e7, // ldadd x1, x7, [sp]
        0xc8a17fe7, // cas x1, x7, [sp]
        0x48207fe2, // casp x0, x1, x2, x3, [sp]
        0x4c4073e0, // ld1 {v0.16b}, [sp]
        0x0d400fe0, // ld1 {v0.b}[3], [sp]
        0x4d40c3e0, // ld1r {v0.16b}, [sp]
        0x3dc003e0, // ldr q0, [sp]
        0x3ce16be0, // ldr q0, [sp, x1]
        0xad4007e0, // ldp q0, q1, [sp]
        0xf8008fe7, // str x7, [sp, #8]!
        0xf84087e7, // ldr x7, [sp], #8
        0xa9401fe6, // ldp x6, x7, [sp]
        0xa9001fe6, // stp x6, x7, [sp]
        0xa8c11fe6, // ldp x6, x7, [sp], #16
        0xf85f83e7, // ldur x7, [sp, #-8]
    })
    void everyAccessFormChecksSp(int word) {
        CpuTestSupport max = new CpuTestSupport(CpuModel.MAX);
        max.cpu.sys.cpacrEl1 = 0; // FP/SIMD trapped: the SP fault still comes first
        max.cpu.sys.sctlrEl1 |= SA;
        max.sp(STACK + 8).x(1, 0).run(word);
        assertEquals(Esr.EC_SP_ALIGN, max.exception.ec);
        assertEquals(STACK + 8, max.sp());
    }
}
