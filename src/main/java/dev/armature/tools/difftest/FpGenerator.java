package dev.armature.tools.difftest;

import java.util.random.RandomGenerator;

/**
 * Scalar floating-point words valid on cortex-a57 (ARMv8.0, no FP16 arithmetic): 1-, 2- and 3-source
 * arithmetic, FMOV (register, immediate, general), compares, conditional compares and selects, FRINT*, FCVT
 * between half, single and double, and conversions to and from W/X registers (rounding modes N, P, M, Z, A and
 * fixed point). Single and double are {@code type} 0 and 1; half precision appears only where ARMv8.0 has it (FCVT).
 */
final class FpGenerator {
    private FpGenerator() {
    }

    static int word(RandomGenerator r) {
        int type = r.nextInt(2);
        int rd = r.nextInt(32);
        int rn = r.nextInt(32);
        int rm = r.nextInt(32);
        return switch (r.nextInt(11)) {
            case 0 -> 0x1e20_4000 | type << 22 | oneSourceOpcode(r) << 15 | rn << 5 | rd;
            case 1 -> 0x1e20_0800 | type << 22 | rm << 16 | r.nextInt(9) << 12 | rn << 5 | rd; // FMUL..FNMUL
            case 2 -> 0x1f00_0000 | type << 22 | r.nextInt(2) << 21 | rm << 16 | r.nextInt(2) << 15
                    | r.nextInt(32) << 10 | rn << 5 | rd; // FMADD, FMSUB, FNMADD, FNMSUB
            case 3 -> { // FCMP, FCMPE (register or #0.0: then Rm is zero)
                int opc = r.nextInt(4);
                yield 0x1e20_2000 | type << 22 | ((opc & 1) == 0 ? rm : 0) << 16 | rn << 5 | opc << 3;
            }
            case 4 -> 0x1e20_0400 | type << 22 | rm << 16 | r.nextInt(16) << 12 | rn << 5 | r.nextInt(2) << 4
                    | r.nextInt(16); // FCCMP, FCCMPE
            case 5 -> 0x1e20_0c00 | type << 22 | rm << 16 | r.nextInt(16) << 12 | rn << 5 | rd; // FCSEL
            case 6 -> 0x1e20_1000 | type << 22 | r.nextInt(256) << 13 | rd; // FMOV (scalar, immediate)
            case 7 -> { // FCVT between precisions, including half
                int src = new int[] {0, 1, 3}[r.nextInt(3)];
                int dst;
                do {
                    dst = new int[] {0, 1, 3}[r.nextInt(3)];
                } while (dst == src);
                yield 0x1e22_4000 | src << 22 | dst << 15 | rn << 5 | rd;
            }
            case 8 -> fixedPoint(r, type, rn, rd);
            default -> integer(r, type, rn, rd);
        };
    }

    /** FMOV, FABS, FNEG, FSQRT, FRINTN/P/M/Z/A/X/I (opcode 0b001101 is unallocated). */
    private static int oneSourceOpcode(RandomGenerator r) {
        int[] ops = {0, 1, 2, 3, 8, 9, 10, 11, 12, 14, 15};
        return ops[r.nextInt(ops.length)];
    }

    /** SCVTF, UCVTF, FCVTZS, FCVTZU with fbits: a W register needs scale >= 32 (fbits <= 32). */
    private static int fixedPoint(RandomGenerator r, int type, int rn, int rd) {
        int sf = r.nextInt(2);
        int scale = sf == 1 ? r.nextInt(64) : 32 + r.nextInt(32);
        int[] rmodeOpcode = {0b00_010, 0b00_011, 0b11_000, 0b11_001};
        return sf << 31 | 0x1e00_0000 | type << 22 | rmodeOpcode[r.nextInt(4)] << 16 | scale << 10 | rn << 5 | rd;
    }

    /** FCVT{N,P,M,Z,A}{S,U}, SCVTF, UCVTF and FMOV between FP and general registers. */
    private static int integer(RandomGenerator r, int type, int rn, int rd) {
        int sf = r.nextInt(2);
        int rmodeOpcode;
        if (r.nextInt(5) == 0) { // FMOV: W<->S, X<->D, X<->V.D[1]
            int toFp = r.nextInt(2);
            switch (r.nextInt(3)) {
                case 0 -> {
                    sf = 0;
                    type = 0;
                    rmodeOpcode = 0b00_110 | toFp;
                }
                case 1 -> {
                    sf = 1;
                    type = 1;
                    rmodeOpcode = 0b00_110 | toFp;
                }
                default -> {
                    sf = 1;
                    type = 2;
                    rmodeOpcode = 0b01_110 | toFp;
                }
            }
        } else {
            int[] ops = {0b00_000, 0b00_001, 0b01_000, 0b01_001, 0b10_000, 0b10_001, 0b11_000, 0b11_001, 0b00_100,
                0b00_101, 0b00_010, 0b00_011};
            rmodeOpcode = ops[r.nextInt(ops.length)];
        }
        return sf << 31 | 0x1e20_0000 | type << 22 | rmodeOpcode << 16 | rn << 5 | rd;
    }
}
