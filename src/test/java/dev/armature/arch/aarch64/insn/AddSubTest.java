package dev.armature.arch.aarch64.insn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.armature.arch.aarch64.CpuTestSupport;
import org.junit.jupiter.api.Test;

/**
 * ADD/SUB in all forms and ADC/SBC: results and NZCV at both sizes, SP versus XZR for register 31.
 * Encodings from aarch64-linux-gnu-as; expected values worked out from AddWithCarry in the Arm ARM.
 */
class AddSubTest {
    private static final int N = 8;
    private static final int Z = 4;
    private static final int C = 2;
    private static final int V = 1;

    private final CpuTestSupport t = new CpuTestSupport();

    private void flags(int word, long a, long b, long expected, int nzcv) {
        t.x(1, a).x(2, b).nzcv(0).run(word);
        assertEquals(expected, t.x(0), "result");
        assertEquals(nzcv, t.nzcv(), "NZCV");
    }

    @Test
    void addsFlags64() {
        int adds = 0xab020020; // adds x0, x1, x2
        flags(adds, 1, 2, 3, 0);
        flags(adds, Long.MAX_VALUE, 1, Long.MIN_VALUE, N | V);
        flags(adds, -1, 1, 0, Z | C);
        flags(adds, Long.MIN_VALUE, Long.MIN_VALUE, 0, Z | C | V);
        flags(adds, -1, -1, -2, N | C);
    }

    @Test
    void addsFlags32IgnoreUpperHalf() {
        int adds = 0x2b020020; // adds w0, w1, w2
        flags(adds, 0xffff_ffff_7fff_ffffL, 1, 0x8000_0000L, N | V);
        flags(adds, 0xffff_ffffL, 1, 0, Z | C);
        flags(adds, 0x1234_0000_0000_0001L, 0x1, 2, 0);
    }

    @Test
    void subsFlags() {
        int subs64 = 0xeb020020; // subs x0, x1, x2
        flags(subs64, 5, 5, 0, Z | C);
        flags(subs64, 0, 1, -1, N);
        flags(subs64, Long.MIN_VALUE, 1, Long.MAX_VALUE, C | V);
        flags(subs64, 7, 3, 4, C);
        int subs32 = 0x6b020020; // subs w0, w1, w2
        flags(subs32, 0x8000_0000L, 1, 0x7fff_ffffL, C | V);
        flags(subs32, 1, 2, 0xffff_ffffL, N);
        flags(subs32, 0x5_0000_0003L, 3, 0, Z | C);
    }

    @Test
    void addWithCarry() {
        t.x(1, -1).x(2, 0).nzcv(C).run(0xba020020); // adcs x0, x1, x2
        assertEquals(0, t.x(0));
        assertEquals(Z | C, t.nzcv());
        t.x(1, -1).x(2, 0).nzcv(0).run(0xba020020);
        assertEquals(-1, t.x(0));
        assertEquals(N, t.nzcv());
        t.x(1, 0x7fff_ffff).x(2, 0).nzcv(C).run(0x3a020020); // adcs w0, w1, w2
        assertEquals(0x8000_0000L, t.x(0));
        assertEquals(N | V, t.nzcv());
        t.x(1, 5).x(2, 5).nzcv(0).run(0xfa020020); // sbcs x0, x1, x2: borrow in
        assertEquals(-1, t.x(0));
        assertEquals(N, t.nzcv());
        t.x(1, 5).x(2, 5).nzcv(C).run(0xfa020020);
        assertEquals(0, t.x(0));
        assertEquals(Z | C, t.nzcv());
        t.x(1, 0).x(2, 0).nzcv(0).run(0x7a020020); // sbcs w0, w1, w2
        assertEquals(0xffff_ffffL, t.x(0));
        assertEquals(N, t.nzcv());
        t.x(1, 1).x(2, 2).nzcv(C | V).run(0x9a020020); // adc x0, x1, x2: flags untouched
        assertEquals(4, t.x(0));
        assertEquals(C | V, t.nzcv());
        t.x(1, 10).x(2, 3).nzcv(0).run(0x5a020020); // sbc w0, w1, w2
        assertEquals(6, t.x(0));
    }

    @Test
    void immediate() {
        t.x(1, 1).run(0x913ffc20); // add x0, x1, #0xfff
        assertEquals(0x1000, t.x(0));
        t.x(1, 0).run(0x916af020); // add x0, x1, #0xabc, lsl #12
        assertEquals(0xabc000, t.x(0));
        t.x(1, 0).run(0x51000420); // sub w0, w1, #1
        assertEquals(0xffff_ffffL, t.x(0));
        t.x(1, -1).nzcv(0).run(0xb1000420); // adds x0, x1, #1
        assertEquals(0, t.x(0));
        assertEquals(Z | C, t.nzcv());
        t.x(1, 0).nzcv(N).run(0xf100003f); // cmp x1, #0
        assertEquals(Z | C, t.nzcv());
        assertEquals(0, t.cpu.r[31], "XZR still reads zero");
        t.x(1, 0xffff_ffffL).nzcv(0).run(0x3100043f); // cmn w1, #1
        assertEquals(Z | C, t.nzcv());
    }

    @Test
    void registerThirtyOneIsSpForAddSubImmediate() {
        t.sp(0x1000).run(0x910043ff); // add sp, sp, #16
        assertEquals(0x1010, t.sp());
        t.run(0x910003e0); // mov x0, sp
        assertEquals(0x1010, t.x(0));
        t.x(1, 0x4242).run(0x9100003f); // mov sp, x1
        assertEquals(0x4242, t.sp());
        t.sp(-1).nzcv(0).run(0xb10007ff); // adds xzr, sp, #1: flag-setting Rd 31 is XZR
        assertEquals(-1, t.sp());
        assertEquals(Z | C, t.nzcv());
        assertEquals(0, t.cpu.r[31]);
    }

    @Test
    void shiftedRegister() {
        t.x(1, 1).x(2, 2).run(0x8b020c20); // add x0, x1, x2, lsl #3
        assertEquals(17, t.x(0));
        t.x(1, 10).x(2, -5).run(0xcb82fc20); // sub x0, x1, x2, asr #63
        assertEquals(11, t.x(0));
        t.x(1, 0).x(2, 0x8000_0000L).run(0x4b427c20); // sub w0, w1, w2, lsr #31
        assertEquals(0xffff_ffffL, t.x(0));
        t.x(1, 1).x(2, 3).run(0x0b027c20); // add w0, w1, w2, lsl #31
        assertEquals(0x8000_0001L, t.x(0));
        t.x(1, 1).x(2, 2).nzcv(0).run(0xeb02003f); // cmp x1, x2
        assertEquals(N, t.nzcv());
    }

    @Test
    void shiftedRegisterReservedEncodingsAreUndefined() {
        t.run(0x8bc20020); // add x0, x1, x2 with shift = 11 (ROR): reserved
        assertEquals(0, t.exception.ec);
        t.run(0x0b028020); // add w0, w1, w2, lsl #32: imm6 >= 32 at 32 bits
        assertEquals(0, t.exception.ec);
    }

    @Test
    void extendedRegister() {
        t.x(1, 10).x(2, 0xffff_ffffL).run(0x8b22c020); // add x0, x1, w2, sxtw
        assertEquals(9, t.x(0));
        t.x(1, 0).x(2, 0xdead_0000_0001L).run(0x8b224820); // add x0, x1, w2, uxtw #2
        assertEquals(4, t.x(0));
        t.sp(0x1000).x(2, 0x80).run(0xcb2293e0); // sub x0, sp, w2, sxtb #4
        assertEquals(0x1800, t.x(0));
        t.sp(0x1000).x(2, 0x10).run(0x8b2267ff); // add sp, sp, x2, uxtx #1
        assertEquals(0x1020, t.sp());
        t.x(1, 0x8000).x(2, 0x8000).nzcv(0).run(0x2b22a020); // adds w0, w1, w2, sxth
        assertEquals(0, t.x(0));
        assertEquals(Z | C, t.nzcv());
        t.x(1, 0).x(2, -1).run(0x8b22ec20); // add x0, x1, x2, sxtx #3
        assertEquals(-8, t.x(0));
        t.sp(5).x(2, 5).nzcv(0).run(0xeb2263ff); // cmp sp, x2
        assertEquals(Z | C, t.nzcv());
        t.x(1, 0xffff_fff0L).x(2, 0x1ff).run(0x0b22003f); // add wsp, w1, w2, uxtb
        assertEquals(0xef, t.sp());
        t.sp(0x100).x(1, 5).run(0x8b2163e0); // add x0, sp, x1
        assertEquals(0x105, t.x(0));
    }

    @Test
    void extendedRegisterShiftAboveFourIsUndefined() {
        t.run(0x8b22f420); // add x0, x1, x2, sxtx #5
        assertEquals(0, t.exception.ec);
    }
}
