package dev.armature.arch.aarch64.insn;

import static dev.armature.arch.aarch64.insn.LoadStoreTestSupport.CODE;
import static dev.armature.arch.aarch64.insn.LoadStoreTestSupport.DATA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.Decoder;
import dev.armature.arch.aarch64.Esr;
import dev.armature.arch.aarch64.Feature;
import dev.armature.arch.aarch64.Undefined;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** SIMD&amp;FP register loads/stores: B/H/S/D/Q in every mode, pairs, literal, and the CPACR_EL1.FPEN trap. */
class LoadStoreSimdFpTest {
    private final LoadStoreTestSupport t = new LoadStoreTestSupport(CpuModel.CORTEX_A57);

    private LoadStoreTestSupport withPattern() {
        java.util.Arrays.fill(t.cpu.v, -1L);
        return t.pattern(DATA - 64, 128).x(0, DATA);
    }

    @Test
    void scalarLoadsZeroTheRestOfTheRegister() {
        withPattern().run(0x7d400401); // ldr h1, [x0, #2]
        assertEquals(0x4443L, t.cpu.v[2]);
        assertEquals(0L, t.cpu.v[3]);
        withPattern().x(2, 3).run(0x3c626801); // ldr b1, [x0, x2]
        assertEquals(0x44L, t.cpu.v[2]);
        assertEquals(0L, t.cpu.v[3]);
        withPattern().run(0xbc404c01); // ldr s1, [x0, #4]!
        assertEquals(0x48474645L, t.cpu.v[2]);
        assertEquals(0L, t.cpu.v[3]);
        assertEquals(DATA + 4, t.x(0));
        withPattern().run(0xfc408401); // ldr d1, [x0], #8
        assertEquals(0x4847464544434241L, t.cpu.v[2]);
        assertEquals(0L, t.cpu.v[3]);
        assertEquals(DATA + 8, t.x(0));
        withPattern().x(2, 0xffff_ffffL).run(0xfc62d801); // ldr d1, [x0, w2, sxtw #3]
        assertEquals(0x403f3e3d3c3b3a39L, t.cpu.v[2]);
    }

    @Test
    void quadLoadsAndStores() {
        withPattern().run(0x3dc00401); // ldr q1, [x0, #16]
        assertEquals(0x5857565554535251L, t.cpu.v[2]);
        assertEquals(0x605f5e5d5c5b5a59L, t.cpu.v[3]);
        withPattern().run(0x3cdf0001); // ldur q1, [x0, #-16]
        assertEquals(0x3837363534333231L, t.cpu.v[2]);
        assertEquals(0x403f3e3d3c3b3a39L, t.cpu.v[3]);
        t.cpu.v[2] = 0x0102_0304_0506_0708L;
        t.cpu.v[3] = 0x1112_1314_1516_1718L;
        t.x(0, DATA).x(2, 1).run(0x3ca27801); // str q1, [x0, x2, lsl #4]
        assertEquals(0x0102_0304_0506_0708L, t.mem(DATA + 16, 8));
        assertEquals(0x1112_1314_1516_1718L, t.mem(DATA + 24, 8));
    }

    @Test
    void narrowStores() {
        t.cpu.v[2] = 0x0102_0304_0506_0708L;
        t.mem(DATA - 8, 8, 0).mem(DATA, 8, 0).x(0, DATA).run(0xfc1f8001); // stur d1, [x0, #-8]
        assertEquals(0x0102_0304_0506_0708L, t.mem(DATA - 8, 8));
        t.run(0x3d000401); // str b1, [x0, #1]
        assertEquals(0x0800L, t.mem(DATA, 8));
    }

    @Test
    void pairs() {
        withPattern().run(0xad410801); // ldp q1, q2, [x0, #32]
        assertEquals(0x6867666564636261L, t.cpu.v[2]);
        assertEquals(0x706f6e6d6c6b6a69L, t.cpu.v[3]);
        assertEquals(0x7877767574737271L, t.cpu.v[4]);
        assertEquals(0x807f7e7d7c7b7a79L, t.cpu.v[5]);
        withPattern().run(0x6c400801); // ldnp d1, d2, [x0]
        assertEquals(0x4847464544434241L, t.cpu.v[2]);
        assertEquals(0L, t.cpu.v[3]);
        assertEquals(0x504f4e4d4c4b4a49L, t.cpu.v[4]);
        assertEquals(0L, t.cpu.v[5]);
        t.cpu.v[2] = 0xaaaa_aaaa_1111_1111L;
        t.cpu.v[4] = 0xbbbb_bbbb_2222_2222L;
        t.x(0, DATA).run(0x2dbf0801); // stp s1, s2, [x0, #-8]!
        assertEquals(0x2222_2222_1111_1111L, t.mem(DATA - 8, 8));
        assertEquals(DATA - 8, t.x(0));
        t.cpu.v[3] = 3;
        t.cpu.v[5] = 5;
        t.x(0, DATA).run(0xac810801); // stp q1, q2, [x0], #32
        assertEquals(0xaaaa_aaaa_1111_1111L, t.mem(DATA, 8));
        assertEquals(3L, t.mem(DATA + 8, 8));
        assertEquals(0xbbbb_bbbb_2222_2222L, t.mem(DATA + 16, 8));
        assertEquals(5L, t.mem(DATA + 24, 8));
        assertEquals(DATA + 32, t.x(0));
    }

    /** CONSTRAINED UNPREDICTABLE Vt == Vt2: qemu-aarch64 leaves the second value. */
    @Test
    void loadPairIntoOneRegisterKeepsTheSecond() {
        withPattern().run(0xad400401); // ldp q1, q1, [x0]
        assertEquals(0x5857565554535251L, t.cpu.v[2]);
        assertEquals(0x605f5e5d5c5b5a59L, t.cpu.v[3]);
    }

    @Test
    void literal() {
        t.mem(CODE + 16, 8, 0x1111L).mem(CODE + 24, 8, 0x2222L).run(0x9c000081); // ldr q1, .+16
        assertEquals(0x1111L, t.cpu.v[2]);
        assertEquals(0x2222L, t.cpu.v[3]);
        t.run(0x1c000081); // ldr s1, .+16
        assertEquals(0x1111L, t.cpu.v[2]);
        assertEquals(0L, t.cpu.v[3]);
    }

    @Test
    void cpacrFpenTrapsAtEl1AndEl0() {
        t.cpu.sys.cpacrEl1 = 0;
        withPattern().run(0x3dc00401); // ldr q1, [x0, #16]
        assertEquals(Esr.EC_FP_ACCESS, t.exception.ec);
        assertEquals(0x1e0_0000, t.exception.iss); // CV=1, COND=0b1110: what QEMU 7.2 reports for A64
        assertEquals(CODE, t.exception.preferredReturn);
        assertEquals(-1L, t.cpu.v[2]);
        t.cpu.sys.cpacrEl1 = 1L << 20; // FPEN=01: EL0 trapped, EL1 not
        withPattern().run(0x3dc00401);
        assertNull(t.exception);
        t.cpu.setMode(0, false);
        withPattern().run(0x3dc00401);
        assertEquals(Esr.EC_FP_ACCESS, t.exception.ec);
        t.cpu.sys.cpacrEl1 = 3L << 20;
        withPattern().run(0x3dc00401);
        assertNull(t.exception);
    }

    @Test
    void withoutFpTheyAreUndefined() {
        CpuModel noFp = new CpuModel("nofp", 0, EnumSet.noneOf(Feature.class));
        for (int word : new int[] {0x3dc00401, 0xfc408401, 0x3c626801, 0x9c000081, 0xad410801, 0xfc1f8001}) {
            assertInstanceOf(Undefined.class, Decoder.decode(word, noFp), Integer.toHexString(word));
        }
        assertInstanceOf(Undefined.class, Decoder.decode(0x3dc00401 | 0x0080_0000 | 0x4000_0000, CpuModel.MAX));
    }
}
