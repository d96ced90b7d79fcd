package dev.armature.tools.difftest;

import java.util.random.RandomGenerator;

/**
 * AdvSIMD data-processing words valid on cortex-a57 (ARMv8.0 with AES, SHA1, SHA256 and PMULL; no FP16, RDM or
 * dot product): vector and scalar three-same, three-different, two-register miscellaneous, across lanes and
 * pairwise, by element, copy (DUP/INS/UMOV/SMOV), modified immediate, shifts by immediate, permutes, EXT,
 * TBL/TBX and the crypto instructions.
 *
 * <p>The register-shaped groups are tables of allocated (U, opcode) pairs, each with the arrangements the Arm
 * ARM allows: bit {@code size * 2 + Q} of {@link Op#shapes}. For FP opcodes size&lt;1&gt; is part of the opcode
 * and size&lt;0&gt; is sz, so the same mask also says which precisions exist. Scalar forms have Q = 1.
 */
final class SimdGenerator {
    /** One allocated instruction of a group: the U bit, the opcode and the allowed (size, Q) shapes. */
    private record Op(int u, int opcode, int shapes) {
    }

    private static final int ALL = 0xff;
    private static final int NO_D = 0x3f; // size 11 reserved
    private static final int D_Q = 0xbf; // size 11 needs Q = 1
    private static final int B = 0x03;
    private static final int BH = 0x0f;
    private static final int HS = 0x3c;
    private static final int F0 = 0x0b; // FP with size<1> = 0: 2S, 4S, 2D (1D reserved)
    private static final int F1 = 0xb0; // the same with size<1> = 1
    private static final int F = F0 | F1;
    private static final int S_ALL = 0xaa; // scalar: every size
    private static final int S_NO_D = 0x2a;
    private static final int S_D = 0x80;
    private static final int S_HS = 0x28;
    private static final int S_F0 = 0x0a;
    private static final int S_F1 = 0xa0;
    private static final int S_F = S_F0 | S_F1;

    private static final Op[] THREE_SAME = {
        op(0, 0b00000, NO_D), op(1, 0b00000, NO_D), op(0, 0b00001, D_Q), op(1, 0b00001, D_Q),
        op(0, 0b00010, NO_D), op(1, 0b00010, NO_D), op(0, 0b00011, ALL), op(1, 0b00011, ALL),
        op(0, 0b00100, NO_D), op(1, 0b00100, NO_D), op(0, 0b00101, D_Q), op(1, 0b00101, D_Q),
        op(0, 0b00110, D_Q), op(1, 0b00110, D_Q), op(0, 0b00111, D_Q), op(1, 0b00111, D_Q),
        op(0, 0b01000, D_Q), op(1, 0b01000, D_Q), op(0, 0b01001, D_Q), op(1, 0b01001, D_Q),
        op(0, 0b01010, D_Q), op(1, 0b01010, D_Q), op(0, 0b01011, D_Q), op(1, 0b01011, D_Q),
        op(0, 0b01100, NO_D), op(1, 0b01100, NO_D), op(0, 0b01101, NO_D), op(1, 0b01101, NO_D),
        op(0, 0b01110, NO_D), op(1, 0b01110, NO_D), op(0, 0b01111, NO_D), op(1, 0b01111, NO_D),
        op(0, 0b10000, D_Q), op(1, 0b10000, D_Q), op(0, 0b10001, D_Q), op(1, 0b10001, D_Q),
        op(0, 0b10010, NO_D), op(1, 0b10010, NO_D), op(0, 0b10011, NO_D), op(1, 0b10011, B),
        op(0, 0b10100, NO_D), op(1, 0b10100, NO_D), op(0, 0b10101, NO_D), op(1, 0b10101, NO_D),
        op(0, 0b10110, HS), op(1, 0b10110, HS), op(0, 0b10111, D_Q),
        op(0, 0b11000, F), op(0, 0b11001, F), op(0, 0b11010, F), op(0, 0b11011, F0), op(0, 0b11100, F0),
        op(0, 0b11110, F), op(0, 0b11111, F),
        op(1, 0b11000, F), op(1, 0b11010, F), op(1, 0b11011, F0), op(1, 0b11100, F), op(1, 0b11101, F),
        op(1, 0b11110, F), op(1, 0b11111, F0)};
    private static final Op[] SCALAR_THREE_SAME = {
        op(0, 0b00001, S_ALL), op(1, 0b00001, S_ALL), op(0, 0b00101, S_ALL), op(1, 0b00101, S_ALL),
        op(0, 0b00110, S_D), op(1, 0b00110, S_D), op(0, 0b00111, S_D), op(1, 0b00111, S_D),
        op(0, 0b01000, S_D), op(1, 0b01000, S_D), op(0, 0b01001, S_ALL), op(1, 0b01001, S_ALL),
        op(0, 0b01010, S_D), op(1, 0b01010, S_D), op(0, 0b01011, S_ALL), op(1, 0b01011, S_ALL),
        op(0, 0b10000, S_D), op(1, 0b10000, S_D), op(0, 0b10001, S_D), op(1, 0b10001, S_D),
        op(0, 0b10110, S_HS), op(1, 0b10110, S_HS),
        op(0, 0b11011, S_F0), op(0, 0b11100, S_F0), op(0, 0b11111, S_F),
        op(1, 0b11100, S_F), op(1, 0b11101, S_F), op(1, 0b11010, S_F1)};
    private static final Op[] THREE_DIFFERENT = {
        op(0, 0b0000, NO_D), op(1, 0b0000, NO_D), op(0, 0b0001, NO_D), op(1, 0b0001, NO_D),
        op(0, 0b0010, NO_D), op(1, 0b0010, NO_D), op(0, 0b0011, NO_D), op(1, 0b0011, NO_D),
        op(0, 0b0100, NO_D), op(1, 0b0100, NO_D), op(0, 0b0101, NO_D), op(1, 0b0101, NO_D),
        op(0, 0b0110, NO_D), op(1, 0b0110, NO_D), op(0, 0b0111, NO_D), op(1, 0b0111, NO_D),
        op(0, 0b1000, NO_D), op(1, 0b1000, NO_D), op(0, 0b1010, NO_D), op(1, 0b1010, NO_D),
        op(0, 0b1100, NO_D), op(1, 0b1100, NO_D), op(0, 0b1001, HS), op(0, 0b1011, HS), op(0, 0b1101, HS),
        op(0, 0b1110, B | 0xc0)}; // PMULL: 8B->8H, or 1D->1Q (the PMULL crypto extension)
    private static final Op[] SCALAR_THREE_DIFFERENT = {op(0, 0b1001, S_HS), op(0, 0b1011, S_HS),
        op(0, 0b1101, S_HS)};
    private static final Op[] TWO_REG_MISC = {
        op(0, 0b00000, NO_D), op(0, 0b00001, B), op(0, 0b00010, NO_D), op(0, 0b00011, D_Q), op(0, 0b00100, NO_D),
        op(0, 0b00101, B), op(0, 0b00110, NO_D), op(0, 0b00111, D_Q), op(0, 0b01000, D_Q), op(0, 0b01001, D_Q),
        op(0, 0b01010, D_Q), op(0, 0b01011, D_Q), op(0, 0b10010, NO_D), op(0, 0b10100, NO_D),
        op(0, 0b10110, BH), op(0, 0b10111, BH), // FCVTN(2), FCVTL(2): from/to half or single
        op(0, 0b11000, F), op(0, 0b11001, F), op(0, 0b11010, F), op(0, 0b11011, F), op(0, 0b11100, F0 | 0x30),
        op(0, 0b11101, F), op(0, 0b01100, F1), op(0, 0b01101, F1), op(0, 0b01110, F1), op(0, 0b01111, F1),
        op(1, 0b00000, BH), op(1, 0b00010, NO_D), op(1, 0b00011, D_Q), op(1, 0b00100, NO_D),
        op(1, 0b00101, BH), // NOT, RBIT
        op(1, 0b00110, NO_D), op(1, 0b00111, D_Q), op(1, 0b01000, D_Q), op(1, 0b01001, D_Q),
        op(1, 0b01011, D_Q), op(1, 0b10010, NO_D), op(1, 0b10011, NO_D), op(1, 0b10100, NO_D),
        op(1, 0b10110, 0x0c), // FCVTXN(2)
        op(1, 0b11000, F0), op(1, 0b11001, F), op(1, 0b11010, F), op(1, 0b11011, F), op(1, 0b11100, F0 | 0x30),
        op(1, 0b11101, F), op(1, 0b11111, F1), op(1, 0b01100, F1), op(1, 0b01101, F1), op(1, 0b01111, F1)};
    private static final Op[] SCALAR_TWO_REG_MISC = {
        op(0, 0b00011, S_ALL), op(0, 0b00111, S_ALL), op(0, 0b01000, S_D), op(0, 0b01001, S_D),
        op(0, 0b01010, S_D), op(0, 0b01011, S_D), op(0, 0b10100, S_NO_D), op(0, 0b11010, S_F),
        op(0, 0b11011, S_F), op(0, 0b11100, S_F0), op(0, 0b11101, S_F), op(0, 0b01100, S_F1),
        op(0, 0b01101, S_F1), op(0, 0b01110, S_F1), op(0, 0b11111, S_F1),
        op(1, 0b00011, S_ALL), op(1, 0b00111, S_ALL), op(1, 0b01000, S_D), op(1, 0b01001, S_D),
        op(1, 0b01011, S_D), op(1, 0b10010, S_NO_D), op(1, 0b10100, S_NO_D), op(1, 0b10110, 0x08),
        op(1, 0b11010, S_F), op(1, 0b11011, S_F), op(1, 0b11100, S_F0), op(1, 0b11101, S_F),
        op(1, 0b01100, S_F1), op(1, 0b01101, S_F1)};
    private static final Op[] ACROSS_LANES = {
        op(0, 0b00011, 0x2f), op(0, 0b01010, 0x2f), op(0, 0b11010, 0x2f), op(0, 0b11011, 0x2f),
        op(1, 0b00011, 0x2f), op(1, 0b01010, 0x2f), op(1, 0b11010, 0x2f),
        op(1, 0b01100, 0x22), op(1, 0b01111, 0x22)}; // FMAXNMV/FMINNMV, FMAXV/FMINV: 4S only
    private static final Op[] SCALAR_PAIRWISE = {op(0, 0b11011, S_D), op(1, 0b01100, S_F), op(1, 0b01101, S_F0),
        op(1, 0b01111, S_F)};

    /** Shift-by-immediate kinds: any element size (D needs Q), narrowing or lengthening, FP fixed-point. */
    private static final int ANY = 0;
    private static final int NARROW = 1;
    private static final int FIXED = 2;
    private static final int D_ONLY = 3;
    private static final int[][] SHIFT = { // U, opcode, kind
        {0, 0b00000, ANY}, {0, 0b00010, ANY}, {0, 0b00100, ANY}, {0, 0b00110, ANY}, {0, 0b01010, ANY},
        {0, 0b01110, ANY}, {0, 0b10000, NARROW}, {0, 0b10001, NARROW}, {0, 0b10010, NARROW},
        {0, 0b10011, NARROW}, {0, 0b10100, NARROW}, {0, 0b11100, FIXED}, {0, 0b11111, FIXED},
        {1, 0b00000, ANY}, {1, 0b00010, ANY}, {1, 0b00100, ANY}, {1, 0b00110, ANY}, {1, 0b01000, ANY},
        {1, 0b01010, ANY}, {1, 0b01100, ANY}, {1, 0b01110, ANY}, {1, 0b10000, NARROW}, {1, 0b10001, NARROW},
        {1, 0b10010, NARROW}, {1, 0b10011, NARROW}, {1, 0b10100, NARROW}, {1, 0b11100, FIXED},
        {1, 0b11111, FIXED}};
    private static final int[][] SCALAR_SHIFT = {
        {0, 0b00000, D_ONLY}, {0, 0b00010, D_ONLY}, {0, 0b00100, D_ONLY}, {0, 0b00110, D_ONLY},
        {0, 0b01010, D_ONLY}, {0, 0b01110, ANY}, {0, 0b10010, NARROW}, {0, 0b10011, NARROW},
        {0, 0b11100, FIXED}, {0, 0b11111, FIXED},
        {1, 0b00000, D_ONLY}, {1, 0b00010, D_ONLY}, {1, 0b00100, D_ONLY}, {1, 0b00110, D_ONLY},
        {1, 0b01000, D_ONLY}, {1, 0b01010, D_ONLY}, {1, 0b01100, ANY}, {1, 0b01110, ANY}, {1, 0b10000, NARROW},
        {1, 0b10001, NARROW}, {1, 0b10010, NARROW}, {1, 0b10011, NARROW}, {1, 0b11100, FIXED},
        {1, 0b11111, FIXED}};
    /** By element: {U, opcode, fp}; integer forms take H or S elements, FP forms S or D. */
    private static final int[][] BY_ELEMENT = {
        {0, 0b0010, 0}, {0, 0b0011, 0}, {0, 0b0110, 0}, {0, 0b0111, 0}, {0, 0b1000, 0}, {0, 0b1010, 0},
        {0, 0b1011, 0}, {0, 0b1100, 0}, {0, 0b1101, 0}, {1, 0b0000, 0}, {1, 0b0100, 0}, {1, 0b0010, 0},
        {1, 0b0110, 0}, {1, 0b1010, 0}, {0, 0b0001, 1}, {0, 0b0101, 1}, {0, 0b1001, 1}, {1, 0b1001, 1}};
    private static final int[][] SCALAR_BY_ELEMENT = {
        {0, 0b0011, 0}, {0, 0b0111, 0}, {0, 0b1011, 0}, {0, 0b1100, 0}, {0, 0b1101, 0},
        {0, 0b0001, 1}, {0, 0b0101, 1}, {0, 0b1001, 1}, {1, 0b1001, 1}};

    private SimdGenerator() {
    }

    private static Op op(int u, int opcode, int shapes) {
        return new Op(u, opcode, shapes);
    }

    static int word(RandomGenerator r) {
        int rd = r.nextInt(32);
        int rn = r.nextInt(32);
        int rm = r.nextInt(32);
        int regs = rm << 16 | rn << 5 | rd;
        int unary = rn << 5 | rd;
        return switch (r.nextInt(24)) {
            case 0, 1, 2 -> table(r, THREE_SAME, 0x0e20_0400, 11) | regs;
            case 3 -> table(r, SCALAR_THREE_SAME, 0x5e20_0400, 11) | regs;
            case 4, 5 -> table(r, THREE_DIFFERENT, 0x0e20_0000, 12) | regs;
            case 6 -> table(r, SCALAR_THREE_DIFFERENT, 0x5e20_0000, 12) | regs;
            case 7, 8 -> table(r, TWO_REG_MISC, 0x0e20_0800, 12) | unary;
            case 9 -> table(r, SCALAR_TWO_REG_MISC, 0x5e20_0800, 12) | unary;
            case 10 -> table(r, ACROSS_LANES, 0x0e30_0800, 12) | unary;
            case 11 -> table(r, SCALAR_PAIRWISE, 0x5e30_0800, 12) | unary;
            case 12, 13 -> byElement(r, BY_ELEMENT, 0x0f00_0000, rn, rd);
            case 14 -> byElement(r, SCALAR_BY_ELEMENT, 0x5f00_0000, rn, rd);
            case 15 -> shift(r, SHIFT, 0x0f00_0400, false) | unary;
            case 16 -> shift(r, SCALAR_SHIFT, 0x5f00_0400, true) | unary;
            case 17 -> copy(r) | unary;
            case 18 -> modifiedImmediate(r) | rd;
            case 19 -> { // UZP1, TRN1, ZIP1, UZP2, TRN2, ZIP2
                int size = r.nextInt(4);
                int q = size == 3 ? 1 : r.nextInt(2);
                yield 0x0e00_0800 | q << 30 | size << 22 | new int[] {1, 2, 3, 5, 6, 7}[r.nextInt(6)] << 12 | regs;
            }
            case 20 -> { // EXT: a 64-bit EXT takes an index below 8
                int q = r.nextInt(2);
                yield 0x2e00_0000 | q << 30 | r.nextInt(q == 1 ? 16 : 8) << 11 | regs;
            }
            case 21 -> 0x0e00_0000 | r.nextInt(2) << 30 | r.nextInt(4) << 13 | r.nextInt(2) << 12 | regs; // TBL/TBX
            default -> crypto(r, regs, unary);
        };
    }

    /** A random (U, opcode) of {@code ops} in a random allowed shape. */
    private static int table(RandomGenerator r, Op[] ops, int base, int opcodeShift) {
        Op o = ops[r.nextInt(ops.length)];
        int shape;
        do {
            shape = r.nextInt(8);
        } while ((o.shapes() >> shape & 1) == 0);
        return base | (shape & 1) << 30 | o.u() << 29 | (shape >> 1) << 22 | o.opcode() << opcodeShift;
    }

    private static int byElement(RandomGenerator r, int[][] ops, int base, int rn, int rd) {
        int[] o = ops[r.nextInt(ops.length)];
        boolean scalar = (base & 1 << 30) != 0;
        int q = scalar ? 1 : r.nextInt(2);
        int size;
        int h = r.nextInt(2);
        int l = r.nextInt(2);
        int m = r.nextInt(2);
        if (o[2] == 0) {
            size = 1 + r.nextInt(2); // H: index H:L:M and Rm < 16; S: index H:L and M is Rm<4>
        } else {
            size = 2 + r.nextInt(2); // S: index H:L; D: index H, L = 0, and a vector needs Q = 1
            if (size == 3) {
                l = 0;
                q = scalar ? q : 1;
            }
        }
        return base | q << 30 | o[0] << 29 | size << 22 | l << 21 | m << 20 | r.nextInt(16) << 16 | o[1] << 12
                | h << 11 | rn << 5 | rd;
    }

    /** immh:immb from the element size: the leading one of immh gives it, the rest is the shift amount. */
    private static int shift(RandomGenerator r, int[][] ops, int base, boolean scalar) {
        int[] o = ops[r.nextInt(ops.length)];
        int size = switch (o[2]) {
            case NARROW -> r.nextInt(3);
            case FIXED -> 2 + r.nextInt(2);
            case D_ONLY -> 3;
            default -> r.nextInt(4);
        };
        int q = scalar ? 1 : size == 3 && o[2] != NARROW ? 1 : r.nextInt(2);
        int immhImmb = (8 << size | r.nextInt(8 << size)) & 0x7f;
        return base | q << 30 | o[0] << 29 | immhImmb << 16 | o[1] << 11;
    }

    /** DUP (element, general), INS (general, element), SMOV, UMOV and scalar DUP (element). */
    private static int copy(RandomGenerator r) {
        int size = r.nextInt(4);
        int kind = r.nextInt(7);
        int q = r.nextInt(2);
        switch (kind) {
            case 3 -> size = q == 0 ? r.nextInt(2) : r.nextInt(3); // SMOV to W: B, H; to X: B, H, S
            case 4 -> size = q == 0 ? r.nextInt(3) : 3; // UMOV to W: B, H, S; to X: D
            default -> {
            }
        }
        int imm5 = (r.nextInt(16 >> size) << 1 | 1) << size;
        return switch (kind) {
            case 0, 1 -> 0x0e00_0400 | (size == 3 ? 1 : q) << 30 | imm5 << 16 | kind << 11; // DUP element, general
            case 2 -> 0x4e00_1c00 | imm5 << 16; // INS (general)
            case 3 -> 0x0e00_2c00 | q << 30 | imm5 << 16; // SMOV
            case 4 -> 0x0e00_3c00 | q << 30 | imm5 << 16; // UMOV
            case 5 -> 0x6e00_0400 | imm5 << 16 | r.nextInt(16 >> size) << (11 + size); // INS (element)
            default -> 0x5e00_0400 | imm5 << 16; // DUP (element), scalar
        };
    }

    /** MOVI, MVNI, ORR, BIC and FMOV (vector, immediate); op = 1 with cmode 1111 exists only as FMOV 2D. */
    private static int modifiedImmediate(RandomGenerator r) {
        int op = r.nextInt(2);
        int cmode = r.nextInt(16);
        int q = op == 1 && cmode == 0b1111 ? 1 : r.nextInt(2);
        return 0x0f00_0400 | q << 30 | op << 29 | r.nextInt(8) << 16 | cmode << 12 | r.nextInt(32) << 5;
    }

    /** AESE/AESD/AESMC/AESIMC, SHA1C/P/M/SU0, SHA256H/H2/SU1, SHA1H, SHA1SU1, SHA256SU0 and PMULL2 (1Q). */
    private static int crypto(RandomGenerator r, int regs, int unary) {
        return switch (r.nextInt(4)) {
            case 0 -> 0x4e28_0800 | (4 + r.nextInt(4)) << 12 | unary;
            case 1 -> 0x5e00_0000 | r.nextInt(7) << 12 | regs;
            case 2 -> 0x5e28_0800 | r.nextInt(3) << 12 | unary;
            default -> 0x0e20_e000 | r.nextInt(2) << 30 | 3 << 22 | regs;
        };
    }
}
