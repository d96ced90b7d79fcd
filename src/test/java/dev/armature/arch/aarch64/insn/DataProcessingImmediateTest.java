package dev.armature.arch.aarch64.insn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.armature.arch.aarch64.CpuTestSupport;
import org.junit.jupiter.api.Test;

/** Logical immediate, move wide, ADR/ADRP, bitfield (through its aliases) and EXTR. Encodings from GNU as. */
class DataProcessingImmediateTest {
    private final CpuTestSupport t = new CpuTestSupport();

    private long run(int word) {
        t.run(word);
        assertNull(t.exception, "no exception");
        return t.x(0);
    }

    @Test
    void logicalImmediate() {
        t.x(1, 0x1234);
        assertEquals(0x34, run(0x92401c20)); // and x0, x1, #0xff
        t.x(1, 0xffff_0000_0000_0010L);
        assertEquals(0x8000_0011L, run(0x32010420)); // orr w0, w1, #0x80000001
        t.x(1, -1);
        assertEquals(0xaaaa_aaaa_aaaa_aaaaL, run(0xd200f020)); // eor x0, x1, #0x5555555555555555
        t.x(1, -1).nzcv(0);
        assertEquals(Long.MIN_VALUE, run(0xf2410020)); // ands x0, x1, #0x8000000000000000
        assertEquals(8, t.nzcv());
        t.x(1, 2).nzcv(3).run(0x7200003f); // tst w1, #0x1: C and V cleared
        assertEquals(4, t.nzcv());
        assertEquals(0xffff_0000_ffff_0000L, run(0xb2103fe0)); // mov x0, #0xffff0000ffff0000
        t.x(1, 0x4000_0000L).run(0xb27c0c3f); // orr sp, x1, #0xf0: Rd 31 is SP
        assertEquals(0x4000_00f0L, t.sp());
    }

    @Test
    void logicalImmediateReservedEncodingsAreUndefined() {
        t.run(0x12400020); // and w0, w1, #... with N = 1
        assertEquals(0, t.exception.ec);
        t.run(0x9240fc20); // and x0, x1, N = 1, imms = 111111: an all-ones element
        assertEquals(0, t.exception.ec);
    }

    @Test
    void moveWide() {
        assertEquals(0x1234_0000_0000_0000L, run(0xd2e24680)); // movz x0, #0x1234, lsl #48
        assertEquals(0xffff_ffff_edcb_ffffL, run(0x92a24680)); // movn x0, #0x1234, lsl #16
        assertEquals(0xedcb_ffffL, run(0x12a24680)); // movn w0, #0x1234, lsl #16
        t.x(0, -1);
        assertEquals(0xffff_beef_ffff_ffffL, run(0xf2d7dde0)); // movk x0, #0xbeef, lsl #32
        t.x(0, 0xffff_ffff_1234_5678L);
        assertEquals(0xbeef_5678L, run(0x72b7dde0)); // movk w0, #0xbeef, lsl #16
        t.run(0x52c00000); // movz w0 with hw = 2
        assertEquals(0, t.exception.ec);
        t.run(0xb2800000); // opc = 01
        assertEquals(0, t.exception.ec);
    }

    @Test
    void pcRelative() {
        assertEquals(CpuTestSupport.CODE + 0x1000, run(0x10008000)); // adr x0, .+0x1000
        assertEquals(CpuTestSupport.CODE - 4, run(0x10ffffe0)); // adr x0, .-4
        assertEquals(0x4000_4000L, run(0xf0000000)); // adrp x0, +3 pages (CODE is 0x40001000)
        assertEquals(0x4000_0000L, run(0xf0ffffe0)); // adrp x0, -1 page
    }

    @Test
    void shiftAliases() {
        t.x(1, 0xf000_0000_0000_0001L);
        assertEquals(0x10, run(0xd37cec20)); // lsl x0, x1, #4
        t.x(1, 0xffff_ffff_8000_0000L);
        assertEquals(1, run(0x531f7c20)); // lsr w0, w1, #31
        t.x(1, Long.MIN_VALUE);
        assertEquals(-1, run(0x937ffc20)); // asr x0, x1, #63
    }

    @Test
    void bitfieldAliases() {
        t.x(1, 0x1234_5678);
        assertEquals(0x56, run(0xd3483c20)); // ubfx x0, x1, #8, #8
        t.x(1, 0x80);
        assertEquals(0xffff_fff8L, run(0x13041c20)); // sbfx w0, w1, #4, #4
        t.x(0, -1).x(1, 5);
        assertEquals(0xffff_ffff_ffff_f5ffL, run(0xb3780c20)); // bfi x0, x1, #8, #4
        t.x(0, -1).x(1, 0xabcd);
        assertEquals(0xffff_ffbcL, run(0x33042c20)); // bfxil w0, w1, #4, #8
        t.x(1, 0x8000_0000L);
        assertEquals(0xffff_ffff_8000_0000L, run(0x93407c20)); // sxtw x0, w1
        t.x(1, 0x80);
        assertEquals(0xffff_ff80L, run(0x13001c20)); // sxtb w0, w1
        t.x(1, 0x1234_5678);
        assertEquals(0x5678, run(0x53003c20)); // uxth w0, w1
        t.x(1, 0x8);
        assertEquals(Long.MIN_VALUE, run(0x93440c20)); // sbfiz x0, x1, #60, #4
        t.x(1, 0x7);
        assertEquals(0x7000_0000_0000_0000L, run(0x93440c20));
        t.x(1, 0xff);
        assertEquals(0xf000_0000L, run(0x53040c20)); // ubfiz w0, w1, #28, #4
    }

    /**
     * Every SBFM encoding (both sizes, all immr and imms), on values with either sign in every field position,
     * against the Arm ARM's pseudocode: DecodeBitMasks' wmask and tmask, then (Replicate(src<S>) AND NOT tmask) OR
     * (ROR(src, R) AND wmask AND tmask). Bitfield computes SBFM as two shifts instead.
     */
    @Test
    void sbfmMatchesTheArmArmPseudocodeForEveryEncoding() {
        long[] values = {0, -1, 1, Long.MIN_VALUE, 0x5555_5555_5555_5555L, 0xaaaa_aaaa_aaaa_aaaaL,
            0x0123_4567_89ab_cdefL, 0xfedc_ba98_7654_3210L, 0x8000_0000L, 0x7fff_ffffL};
        for (int sf = 0; sf <= 1; sf++) {
            int bits = sf == 1 ? 64 : 32;
            for (int immr = 0; immr < bits; immr++) {
                for (int imms = 0; imms < bits; imms++) {
                    int word = (sf == 1 ? 0x93400000 : 0x13000000) | immr << 16 | imms << 10 | 1 << 5;
                    for (long v : values) {
                        t.x(1, v);
                        String what = String.format("sbfm %s, immr %d, imms %d, of %x", sf == 1 ? "x" : "w", immr,
                                imms, v);
                        assertEquals(armArmSbfm(v, immr, imms, bits), run(word), what);
                    }
                }
            }
        }
    }

    private static long armArmSbfm(long src, int r, int s, int bits) {
        long ones = bits == 64 ? -1L : 0xffff_ffffL;
        long welem = s == 63 ? -1L : (1L << (s + 1)) - 1;
        int d = (s - r) & (bits - 1);
        long tmask = d == 63 ? -1L : (1L << (d + 1)) - 1;
        long x = src & ones;
        long wmask = (welem >>> r | welem << (bits - r)) & ones;
        long ror = (x >>> r | x << (bits - r)) & ones;
        long top = (x >>> s & 1) == 1 ? ones : 0;
        return (top & ~tmask | ror & wmask & tmask) & ones;
    }

    @Test
    void bitfieldReservedEncodingsAreUndefined() {
        t.run(0xd3083c20); // ubfm x0 with N = 0
        assertEquals(0, t.exception.ec);
        t.run(0x53203c20); // ubfm w0 with immr = 32
        assertEquals(0, t.exception.ec);
        t.run(0x73003c20); // opc = 11
        assertEquals(0, t.exception.ec);
    }

    @Test
    void extract() {
        t.x(1, 0x11).x(2, 0x2233);
        assertEquals(0x1100_0000_0000_0022L, run(0x93c22020)); // extr x0, x1, x2, #8
        t.x(1, 0xaabb_ccddL).x(2, 0x1122_3344L);
        assertEquals(0xbbcc_dd11L, run(0x13826020)); // extr w0, w1, w2, #24
        t.x(1, 1);
        assertEquals(Long.MIN_VALUE, run(0x93c10420)); // ror x0, x1, #1
        t.x(1, 0x1234_5678);
        assertEquals(0x8123_4567L, run(0x13811020)); // ror w0, w1, #4
        t.x(1, -1).x(2, 42);
        assertEquals(42, run(0x93c20020)); // extr x0, x1, x2, #0
        t.run(0x1382a020); // extr w0, w1, w2, #40: lsb >= 32 at 32 bits
        assertEquals(0, t.exception.ec);
    }
}
