package dev.armature.tools.difftest;

import java.util.random.RandomGenerator;

/** Random initial register values biased towards the edge cases integer instructions get wrong. */
final class Inputs {
    private static final long[] SPECIAL = {0, 1, 2, -1, -2, 0x7fff_ffff_ffff_ffffL, 0x8000_0000_0000_0000L,
        0x7fff_ffffL, 0x8000_0000L, 0xffff_ffffL, 0x1_0000_0000L, 0xffL, 0xffffL, 63, 64, 31, 32};

    private Inputs() {
    }

    static long value(RandomGenerator r) {
        return switch (r.nextInt(8)) {
            case 0 -> SPECIAL[r.nextInt(SPECIAL.length)];
            case 1 -> r.nextInt(256) - 128;
            case 2 -> r.nextLong() & 0xffff_ffffL;
            case 3 -> (long) r.nextInt(); // sign-extended 32-bit
            default -> r.nextLong();
        };
    }

    /** A fresh register file: X0..X30 random. */
    static long[] registers(RandomGenerator r) {
        long[] x = new long[31];
        for (int i = 0; i < 31; i++) {
            x[i] = value(r);
        }
        return x;
    }

    static int nzcv(RandomGenerator r) {
        return r.nextInt(16) << 28;
    }

    /** A 16-byte aligned SP somewhere in the low 47 bits (never dereferenced unless a case sets it). */
    static long sp(RandomGenerator r) {
        return (r.nextLong() & 0x0000_7fff_ffff_fff0L);
    }
}
