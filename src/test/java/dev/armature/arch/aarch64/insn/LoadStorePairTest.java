package dev.armature.arch.aarch64.insn;

import static dev.armature.arch.aarch64.insn.LoadStoreTestSupport.DATA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.Decoder;
import dev.armature.arch.aarch64.Undefined;
import org.junit.jupiter.api.Test;

/** Integer load/store pair: every index form, LDPSW, no-allocate, XZR and SP. */
class LoadStorePairTest {
    private final LoadStoreTestSupport t = new LoadStoreTestSupport(CpuModel.CORTEX_A57);

    private LoadStoreTestSupport withPattern() {
        return t.pattern(DATA - 64, 128).x(0, DATA);
    }

    @Test
    void loadPairSignedOffset() {
        withPattern().run(0xa9410801); // ldp x1, x2, [x0, #16]
        assertEquals(0x5857565554535251L, t.x(1));
        assertEquals(0x605f5e5d5c5b5a59L, t.x(2));
        assertEquals(DATA, t.x(0));
        withPattern().run(0xa8400801); // ldnp x1, x2, [x0]
        assertEquals(0x4847464544434241L, t.x(1));
        assertEquals(0x504f4e4d4c4b4a49L, t.x(2));
    }

    @Test
    void loadPairPreIndexW() {
        withPattern().x(1, -1).x(2, -1).run(0x29ff0801); // ldp w1, w2, [x0, #-8]!
        assertEquals(0x3c3b3a39L, t.x(1));
        assertEquals(0x403f3e3dL, t.x(2));
        assertEquals(DATA - 8, t.x(0));
    }

    @Test
    void loadPairSignedWordPostIndex() {
        t.mem(DATA, 4, 0x8000_0000L).mem(DATA + 4, 4, 0x7fff_ffffL).x(0, DATA).run(0x68c10801); // ldpsw x1, x2, [x0], #8
        assertEquals(0xffff_ffff_8000_0000L, t.x(1));
        assertEquals(0x7fff_ffffL, t.x(2));
        assertEquals(DATA + 8, t.x(0));
    }

    @Test
    void storePairForms() {
        t.cpu.r[Cpu.SP] = DATA + 16;
        t.x(1, 0x1111L).x(2, 0x2222L).run(0xa9bf0be1); // stp x1, x2, [sp, #-16]!
        assertEquals(DATA, t.sp());
        assertEquals(0x1111L, t.mem(DATA, 8));
        assertEquals(0x2222L, t.mem(DATA + 8, 8));
        t.x(0, DATA).x(1, 0xaaaa_bbbb_cccc_ddddL).x(2, 0x1234_5678_9abc_def0L).run(0x28010801); // stnp w1, w2, [x0, #8]
        assertEquals(0x9abc_def0_cccc_ddddL, t.mem(DATA + 8, 8));
        t.run(0x28bf0801); // stp w1, w2, [x0], #-8
        assertEquals(0x9abc_def0_cccc_ddddL, t.mem(DATA, 8));
        assertEquals(DATA - 8, t.x(0));
        t.x(0, DATA).run(0xa9007c1f); // stp xzr, xzr, [x0]
        assertEquals(0L, t.mem(DATA, 8));
        assertEquals(0L, t.mem(DATA + 8, 8));
    }

    /** CONSTRAINED UNPREDICTABLE register overlaps; expected values observed under qemu-aarch64. */
    @Test
    void overlapsFollowQemu() {
        withPattern().run(0xa9c10400); // ldp x0, x1, [x0, #16]!
        assertEquals(DATA + 16, t.x(0));
        assertEquals(0x605f5e5d5c5b5a59L, t.x(1));
        withPattern().run(0xa8c10001); // ldp x1, x0, [x0], #16
        assertEquals(DATA + 16, t.x(0));
        assertEquals(0x4847464544434241L, t.x(1));
        t.x(0, DATA).x(1, 5).run(0xa9810400); // stp x0, x1, [x0, #16]!
        assertEquals(DATA + 16, t.x(0));
        assertEquals(DATA, t.mem(DATA + 16, 8));
        assertEquals(5L, t.mem(DATA + 24, 8));
        withPattern().x(1, DATA).run(0xa9400020); // ldp x0, x0, [x1]: the first value stays
        assertEquals(0x4847464544434241L, t.x(0));
    }

    @Test
    void unallocatedPairEncodingsAreUndefined() {
        assertInstanceOf(Undefined.class, Decoder.decode(0x68400801, CpuModel.MAX)); // LDNP with opc=01
        assertInstanceOf(Undefined.class, Decoder.decode(0x69000801, CpuModel.MAX)); // STGP (memory tagging)
        assertInstanceOf(Undefined.class, Decoder.decode(0xe9400801, CpuModel.MAX)); // opc=11
        assertInstanceOf(Undefined.class, Decoder.decode(0xed400801, CpuModel.MAX)); // SIMD&FP opc=11
        t.run(0xe9400801);
        assertEquals(0, t.exception.ec);
    }

    @Test
    void noExceptionOnNormalPairs() {
        withPattern().run(0xa9410801, 0x29ff0801);
        assertNull(t.exception);
    }
}
