package dev.armature.tools.difftest;

import java.util.random.RandomGenerator;

/**
 * Random encodings of the A64 integer data-processing instructions (Arm ARM C4.1.86 and C4.1.88: data
 * processing - immediate and - register), always allocated and never UNPREDICTABLE.
 */
final class AluGenerator {
    private AluGenerator() {
    }

    /** The forms {@link #word} draws from, named for reports and tests. */
    enum Form {
        ADDSUB_IMM, ADDSUB_SHIFTED, ADDSUB_EXTENDED, ADDSUB_CARRY, LOGICAL_IMM, LOGICAL_SHIFTED, MOVE_WIDE, ADR,
        BITFIELD, EXTR, SHIFT_VARIABLE, COND_SELECT, COND_COMPARE, DP1, DP2, DP3, CRC32
    }

    static int word(RandomGenerator r) {
        Form[] forms = Form.values();
        return word(r, forms[r.nextInt(forms.length)]);
    }

    /** A flag-setting instruction (for branch sequences, so conditional branches see fresh flags). */
    static int flagSetting(RandomGenerator r) {
        return switch (r.nextInt(4)) {
            case 0 -> addSubImm(r) | 1 << 29;
            case 1 -> addSubShifted(r) | 1 << 29;
            case 2 -> condCompare(r);
            default -> logicalShifted(r) | 3 << 29; // ANDS / BICS
        };
    }

    static int word(RandomGenerator r, Form f) {
        return switch (f) {
            case ADDSUB_IMM -> addSubImm(r);
            case ADDSUB_SHIFTED -> addSubShifted(r);
            case ADDSUB_EXTENDED -> sf(r) | r.nextInt(4) << 29 | 0b01011 << 24 | 1 << 21 | reg(r) << 16
                    | r.nextInt(8) << 13 | r.nextInt(5) << 10 | reg(r) << 5 | reg(r);
            case ADDSUB_CARRY -> sf(r) | r.nextInt(4) << 29 | 0b1101_0000 << 21 | reg(r) << 16 | reg(r) << 5 | reg(r);
            case LOGICAL_IMM -> logicalImm(r);
            case LOGICAL_SHIFTED -> logicalShifted(r);
            case MOVE_WIDE -> moveWide(r);
            case ADR -> r.nextInt(2) << 31 | r.nextInt(4) << 29 | 0b10000 << 24 | (r.nextInt() & 0x7ffff) << 5 | reg(r);
            case BITFIELD -> bitfield(r);
            case EXTR -> {
                int sf = r.nextInt(2);
                yield sf << 31 | 0b100111 << 23 | sf << 22 | reg(r) << 16 | r.nextInt(sf == 1 ? 64 : 32) << 10
                        | reg(r) << 5 | reg(r);
            }
            case SHIFT_VARIABLE -> dp2(r, 8 + r.nextInt(4), r.nextInt(2));
            case COND_SELECT -> sf(r) | r.nextInt(2) << 30 | 0b1101_0100 << 21 | reg(r) << 16 | r.nextInt(16) << 12
                    | r.nextInt(2) << 10 | reg(r) << 5 | reg(r);
            case COND_COMPARE -> condCompare(r);
            case DP1 -> {
                int sf = r.nextInt(2);
                int[] ops = sf == 1 ? new int[] {0, 1, 2, 3, 4, 5} : new int[] {0, 1, 2, 4, 5};
                yield sf << 31 | 1 << 30 | 0b1101_0110 << 21 | ops[r.nextInt(ops.length)] << 10 | reg(r) << 5 | reg(r);
            }
            case DP2 -> dp2(r, 2 + r.nextInt(2), r.nextInt(2)); // UDIV, SDIV
            case DP3 -> dp3(r);
            case CRC32 -> {
                int op = 0x10 | r.nextInt(2) << 2 | r.nextInt(4); // CRC32{B,H,W,X}, CRC32C{B,H,W,X}
                yield dp2(r, op, (op & 3) == 3 ? 1 : 0);
            }
        };
    }

    private static int sf(RandomGenerator r) {
        return r.nextInt(2) << 31;
    }

    static int reg(RandomGenerator r) {
        return r.nextInt(32);
    }

    private static int addSubImm(RandomGenerator r) {
        return sf(r) | r.nextInt(4) << 29 | 0b100010 << 23 | r.nextInt(2) << 22 | r.nextInt(4096) << 10
                | reg(r) << 5 | reg(r);
    }

    private static int addSubShifted(RandomGenerator r) {
        int sf = r.nextInt(2);
        return sf << 31 | r.nextInt(4) << 29 | 0b01011 << 24 | r.nextInt(3) << 22 | reg(r) << 16
                | r.nextInt(sf == 1 ? 64 : 32) << 10 | reg(r) << 5 | reg(r);
    }

    private static int logicalShifted(RandomGenerator r) {
        int sf = r.nextInt(2);
        return sf << 31 | r.nextInt(4) << 29 | 0b01010 << 24 | r.nextInt(4) << 22 | r.nextInt(2) << 21
                | reg(r) << 16 | r.nextInt(sf == 1 ? 64 : 32) << 10 | reg(r) << 5 | reg(r);
    }

    /** True unless DecodeBitMasks(N, imms, immr) is reserved for this datasize (Arm ARM J1 pseudocode). */
    static boolean validBitmask(int sf, int n, int imms) {
        if (sf == 0 && n == 1) {
            return false;
        }
        int combined = n << 6 | (~imms & 0x3f);
        if (combined == 0) {
            return false;
        }
        int len = 31 - Integer.numberOfLeadingZeros(combined);
        if (len < 1) {
            return false;
        }
        int levels = (1 << len) - 1;
        return (imms & levels) != levels;
    }

    private static int logicalImm(RandomGenerator r) {
        while (true) {
            int sf = r.nextInt(2);
            int n = sf == 1 ? r.nextInt(2) : 0;
            int imms = r.nextInt(64);
            if (validBitmask(sf, n, imms)) {
                return sf << 31 | r.nextInt(4) << 29 | 0b100100 << 23 | n << 22 | r.nextInt(64) << 16 | imms << 10
                        | reg(r) << 5 | reg(r);
            }
        }
    }

    private static int moveWide(RandomGenerator r) {
        int sf = r.nextInt(2);
        int opc = new int[] {0, 2, 3}[r.nextInt(3)]; // MOVN, MOVZ, MOVK
        return sf << 31 | opc << 29 | 0b100101 << 23 | r.nextInt(sf == 1 ? 4 : 2) << 21 | r.nextInt(65536) << 5
                | reg(r);
    }

    private static int bitfield(RandomGenerator r) {
        int sf = r.nextInt(2);
        int size = sf == 1 ? 64 : 32;
        return sf << 31 | r.nextInt(3) << 29 | 0b100110 << 23 | sf << 22 | r.nextInt(size) << 16
                | r.nextInt(size) << 10 | reg(r) << 5 | reg(r);
    }

    private static int condCompare(RandomGenerator r) {
        return sf(r) | r.nextInt(2) << 30 | 1 << 29 | 0b1101_0010 << 21 | r.nextInt(32) << 16 | r.nextInt(16) << 12
                | r.nextInt(2) << 11 | reg(r) << 5 | r.nextInt(16);
    }

    private static int dp2(RandomGenerator r, int opcode, int sf) {
        return sf << 31 | 0b1101_0110 << 21 | reg(r) << 16 | opcode << 10 | reg(r) << 5 | reg(r);
    }

    private static int dp3(RandomGenerator r) {
        int choice = r.nextInt(6);
        int sf = choice == 0 ? r.nextInt(2) : 1;
        int op31 = new int[] {0, 1, 2, 5, 6, 0}[choice];
        int o0 = op31 == 2 || op31 == 6 ? 0 : r.nextInt(2);
        int ra = op31 == 2 || op31 == 6 ? 31 : reg(r); // SMULH/UMULH: Ra is should-be-one
        return sf << 31 | 0b11011 << 24 | op31 << 21 | reg(r) << 16 | o0 << 15 | ra << 10 | reg(r) << 5 | reg(r);
    }
}
