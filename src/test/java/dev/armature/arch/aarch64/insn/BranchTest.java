package dev.armature.arch.aarch64.insn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.CpuTestSupport;
import dev.armature.arch.aarch64.Decoder;
import org.junit.jupiter.api.Test;

/** Branch targets, conditions and links. Encodings from GNU as. */
class BranchTest {
    private static final long CODE = CpuTestSupport.CODE;

    private final CpuTestSupport t = new CpuTestSupport();

    private long next(int word) {
        t.run(word);
        return t.cpu.pc;
    }

    @Test
    void unconditional() {
        assertEquals(CODE + 0x100, next(0x14000040)); // b .+0x100
        assertEquals(CODE - 0x800_0000, next(0x16000000)); // b .-0x8000000
        t.x(30, 0);
        assertEquals(CODE + 8, next(0x94000002)); // bl .+8
        assertEquals(CODE + 4, t.x(30));
    }

    @Test
    void conditional() {
        t.nzcv(4);
        assertEquals(CODE + 0x40, next(0x54000200)); // b.eq .+0x40
        t.nzcv(0);
        assertEquals(CODE + 4, next(0x54000200));
        assertEquals(CODE - 4, next(0x54ffffe1)); // b.ne .-4
        t.run(0x54000210); // b.eq with o0 = 1 (BC.cond, ARMv8.8)
        assertEquals(0, t.exception.ec);
    }

    @Test
    void compareAndBranch() {
        t.x(1, 0);
        assertEquals(CODE + 12, next(0xb4000061)); // cbz x1, .+12
        t.x(1, 1L << 32);
        assertEquals(CODE + 4, next(0xb4000061));
        assertEquals(CODE + 4, next(0x35000061)); // cbnz w1, .+12: the low word is zero
        t.x(1, 1);
        assertEquals(CODE + 12, next(0x35000061));
    }

    @Test
    void testAndBranch() {
        t.x(1, Long.MIN_VALUE);
        assertEquals(CODE + 4, next(0xb6f80081)); // tbz x1, #63, .+16
        t.x(1, Long.MAX_VALUE);
        assertEquals(CODE + 16, next(0xb6f80081));
        t.x(1, 8);
        assertEquals(CODE - 0x8000, next(0x371c0001)); // tbnz w1, #3, .-0x8000
        t.x(1, 7);
        assertEquals(CODE + 4, next(0x371c0001));
    }

    @Test
    void register() {
        t.x(2, 0x4000_8000L);
        assertEquals(0x4000_8000L, next(0xd61f0040)); // br x2
        t.x(30, 0x4000_9000L);
        assertEquals(0x4000_9000L, next(0xd63f03c0)); // blr x30: branches to the old x30
        assertEquals(CODE + 4, t.x(30));
        assertEquals(CODE + 4, next(0xd65f03c0)); // ret
        t.x(3, 0x4000_a000L);
        assertEquals(0x4000_a000L, next(0xd65f0060)); // ret x3
        t.run(0xd61f0841); // br with op3 = 000010 (a PAuth form): UNDEFINED in ARMv8.0
        assertEquals(0, t.exception.ec);
        t.run(0xd71f0841); // braa x2, x1
        assertEquals(0, t.exception.ec);
    }

    @Test
    void blockEnds() {
        int[] enders = {0x14000040, 0x94000002, 0x54000200, 0xb4000061, 0xb6f80081, 0xd61f0040, 0xd63f03c0,
            0xd65f03c0, 0xd69f03e0, 0xd4024681, 0xd4207d00, 0xd5033fdf, 0xd503207f, 0xd50342ff, 0xd51b4221};
        for (int word : enders) {
            assertTrue(Decoder.decode(word, CpuModel.MAX).endsBlock(), Integer.toHexString(word));
        }
        int[] straight = {0xab020020, 0x92401c20, 0xd503201f, 0xd5033bbf, 0xd53b4200, 0x9ac20820};
        for (int word : straight) {
            assertFalse(Decoder.decode(word, CpuModel.MAX).endsBlock(), Integer.toHexString(word));
        }
    }
}
