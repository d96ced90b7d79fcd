package dev.armature.tools.difftest;

import java.util.random.RandomGenerator;

/**
 * Random V0..V31, FPCR and FPSR for the {@code fp} and {@code simd} classes, biased towards the values floating
 * point gets wrong: ±0, ±infinity, quiet and signalling NaNs, subnormals, the largest and smallest normals,
 * halfway and near-halfway points between integers and values at the integer-conversion limits.
 */
final class FpInputs {
    /** Bit patterns of doubles: specials, then values at rounding and conversion boundaries. */
    private static final long[] DOUBLE = {0, 0x8000_0000_0000_0000L, 0x7ff0_0000_0000_0000L,
        0xfff0_0000_0000_0000L, 0x7ff8_0000_0000_0000L, 0xfff8_0000_0000_0001L, 0x7ff0_0000_0000_0001L,
        0x7ff4_0000_0000_0000L, 0x0000_0000_0000_0001L, 0x000f_ffff_ffff_ffffL, 0x8008_0000_0000_0000L,
        0x0010_0000_0000_0000L, 0x7fef_ffff_ffff_ffffL, 0xffef_ffff_ffff_ffffL, 0x3ff0_0000_0000_0000L,
        0xbff0_0000_0000_0000L, 0x3fe0_0000_0000_0000L, 0x3ff8_0000_0000_0000L, 0x4004_0000_0000_0000L,
        0xc004_0000_0000_0000L, 0x3fe0_0000_0000_0001L, 0x3fdf_ffff_ffff_ffffL, 0x4330_0000_0000_0000L,
        0x4340_0000_0000_0000L, 0x43e0_0000_0000_0000L, 0xc3e0_0000_0000_0000L, 0x43f0_0000_0000_0000L,
        0x41e0_0000_0000_0000L, 0x41df_ffff_ffc0_0000L, 0xc1e0_0000_0020_0000L, 0x41f0_0000_0000_0000L,
        0x3690_0000_0000_0000L, 0x47ef_ffff_e000_0000L, 0x47ef_ffff_f000_0000L, 0x380f_ffff_e000_0000L};
    /** Bit patterns of singles, chosen the same way. */
    private static final int[] SINGLE = {0, 0x8000_0000, 0x7f80_0000, 0xff80_0000, 0x7fc0_0000, 0xffc0_0001,
        0x7f80_0001, 0x7fa0_0000, 0x0000_0001, 0x007f_ffff, 0x8040_0000, 0x0080_0000, 0x7f7f_ffff, 0xff7f_ffff,
        0x3f80_0000, 0xbf80_0000, 0x3f00_0000, 0x3fc0_0000, 0x4020_0000, 0xc020_0000, 0x3f00_0001, 0x3eff_ffff,
        0x4b00_0000, 0x4b80_0000, 0x5f00_0000, 0xdf00_0000, 0x5f80_0000, 0x4f00_0000, 0xcf00_0000, 0x4f80_0000,
        0x477f_f000, 0x477f_e000, 0x3880_0000, 0x3380_0000, 0x33ff_ffff};
    /** Bit patterns of halves (for FCVT from half precision and FCVTN/FCVTL). */
    private static final short[] HALF = {0, (short) 0x8000, 0x7c00, (short) 0xfc00, 0x7e00, (short) 0xfe01, 0x7c01,
        0x7d00, 0x0001, 0x03ff, (short) 0x8200, 0x0400, 0x7bff, (short) 0xfbff, 0x3c00, (short) 0xbc00, 0x3800,
        0x3e00, 0x4100, 0x3801};

    private FpInputs() {
    }

    /** V0..V31 as 64 longs (low half at 2n): random bits, or lanes of one size filled with boundary values. */
    static long[] vectors(RandomGenerator r) {
        long[] v = new long[64];
        for (int i = 0; i < 64; i++) {
            v[i] = half(r);
        }
        return v;
    }

    private static long half(RandomGenerator r) {
        return switch (r.nextInt(8)) {
            case 0, 1 -> r.nextLong();
            case 2 -> Inputs.value(r);
            case 3, 4 -> r.nextInt(4) == 0 ? nearby(r, DOUBLE[r.nextInt(DOUBLE.length)])
                    : DOUBLE[r.nextInt(DOUBLE.length)];
            case 5, 6 -> (singleLane(r) & 0xffff_ffffL) | (long) singleLane(r) << 32;
            default -> {
                long h = 0;
                for (int lane = 0; lane < 4; lane++) {
                    h |= (r.nextInt(3) == 0 ? r.nextInt() : HALF[r.nextInt(HALF.length)]) & 0xffffL;
                    h = Long.rotateRight(h, 16);
                }
                yield h;
            }
        };
    }

    private static int singleLane(RandomGenerator r) {
        return switch (r.nextInt(4)) {
            case 0 -> r.nextInt();
            case 1 -> (int) nearby(r, SINGLE[r.nextInt(SINGLE.length)]);
            default -> SINGLE[r.nextInt(SINGLE.length)];
        };
    }

    /** A value a few units in the last place away from {@code bits}. */
    private static long nearby(RandomGenerator r, long bits) {
        return bits + r.nextInt(7) - 3;
    }

    /** Random FPCR: rounding mode, FZ, DN and AHP (the controls ARMv8.0 without FP16 has). */
    static int fpcr(RandomGenerator r) {
        if (r.nextInt(32) == 0) {
            return r.nextInt(); // reserved and trap-enable bits too: both must keep only what the model has
        }
        int rmode = r.nextInt(2) == 0 ? 0 : r.nextInt(4);
        return (r.nextInt(4) == 0 ? 1 << 26 : 0) | (r.nextInt(4) == 0 ? 1 << 25 : 0) | (r.nextInt(4) == 0 ? 1 << 24 : 0)
                | rmode << 22;
    }

    /** Random FPSR: some cumulative exception flags (IDC, IXC, UFC, OFC, DZC, IOC) and QC. */
    static int fpsr(RandomGenerator r) {
        if (r.nextInt(32) == 0) {
            return r.nextInt();
        }
        return r.nextBoolean() ? 0 : r.nextInt() & (1 << 27 | 0x9f);
    }
}
