package dev.armature.arch.aarch64.insn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.armature.arch.aarch64.CpuTestSupport;
import org.junit.jupiter.api.Test;

/** Logical (shifted register), including ROR, the inverting forms and MOV/MVN. Encodings from GNU as. */
class LogicalShiftedTest {
    private final CpuTestSupport t = new CpuTestSupport();

    private long run(long x1, long x2, int word) {
        t.x(1, x1).x(2, x2).run(word);
        return t.x(0);
    }

    @Test
    void operations() {
        assertEquals(0xff00_0000_0000_0000L, run(-1, 0xff, 0x8ac22020)); // and x0, x1, x2, ror #8
        assertEquals(0xf0, run(0xff, 0x0f, 0x8a220020)); // bic x0, x1, x2
        assertEquals(0xf, run(0, 0x0fff_ffff, 0x2a221020)); // orn w0, w1, w2, lsl #4
        assertEquals(0x07ff_ffff_ffff_ffffL, run(0, Long.MIN_VALUE, 0xcaa21020)); // eon x0, x1, x2, asr #4
    }

    @Test
    void flagSetting() {
        t.nzcv(3);
        assertEquals(0x8000_0000L, run(0x8000_0000L, 0, 0x6a220020)); // bics w0, w1, w2
        assertEquals(8, t.nzcv());
        assertEquals(0, run(1, 1, 0xea420420)); // ands x0, x1, x2, lsr #1
        assertEquals(4, t.nzcv());
    }

    @Test
    void moves() {
        assertEquals(0x1_2345_6789L, run(0, 0x1_2345_6789L, 0xaa0203e0)); // mov x0, x2
        assertEquals(0x2345_6789L, run(0, 0x1_2345_6789L, 0x2a0203e0)); // mov w0, w2
        assertEquals(~0x1_2345_6789L, run(0, 0x1_2345_6789L, 0xaa2203e0)); // mvn x0, x2
        assertEquals(0x2_468a_cf12L, run(0, 0x1_2345_6789L, 0xaa0207e0)); // orr x0, xzr, x2, lsl #1
    }

    @Test
    void rorAt32Bits() {
        assertEquals(0x4000_0000L, run(-1, 1, 0x0ac20820)); // and w0, w1, w2, ror #2
    }

    @Test
    void shiftOf32OrMoreAt32BitsIsUndefined() {
        t.run(0x0a028020); // and w0, w1, w2, lsl #32
        assertEquals(0, t.exception.ec);
    }
}
