package dev.armature.arch.aarch64;

/**
 * Integer ALU primitives shared by the instruction semantics (and by the translator, which calls the same
 * methods): AddWithCarry with NZCV, logical flags, CRC32. Flags are written in {@link Cpu}'s unpacked form
 * (N and V in sign bits, Z as a zero value, C as 0/1), which needs no shifting or masking here.
 */
public final class Alu {
    private static final int[] CRC32_TABLE = crcTable(0xedb8_8320);
    private static final int[] CRC32C_TABLE = crcTable(0x82f6_3b78);

    private Alu() {
    }

    /**
     * AddWithCarry(a, b, carry) on 64 bits: returns the sum and sets PSTATE.NZCV. C is the carry out of bit 63: both
     * operands' top bits set, or one of them and not the sum's (bit logic: the JIT made branches of unsigned
     * compares).
     */
    public static long addWithCarry64(Cpu cpu, long a, long b, int carry) {
        long r = a + b + carry;
        cpu.nf = r;
        cpu.zf = r;
        cpu.cf = (int) (((a & b) | ((a ^ b) & ~r)) >>> 63);
        cpu.vf = (a ^ r) & (b ^ r);
        return r;
    }

    /**
     * AddWithCarry(a, b, carry) on 32 bits: returns the zero-extended sum and sets PSTATE.NZCV (N, Z and V from
     * the sign-extended 32-bit values).
     */
    public static long addWithCarry32(Cpu cpu, int a, int b, int carry) {
        int r = a + b + carry;
        cpu.nf = r;
        cpu.zf = r;
        cpu.cf = ((a & b) | ((a ^ b) & ~r)) >>> 31;
        cpu.vf = (a ^ r) & (b ^ r);
        return r & 0xffff_ffffL;
    }

    /**
     * AddWithCarry(a, b, carry) on 64 bits for a {@code b} fixed by the instruction (ADDS/SUBS immediate: imm, or
     * NOT(imm) for SUBS): the same result and NZCV as {@link #addWithCarry64}, with C and V from the top bits of
     * {@code a} and the sum alone, given the top bit of {@code b}. That holds for any {@code b}: with b's top bit
     * set the carry out of bit 63 is {@code a63 | NOT r63} and an overflow {@code a63 & NOT r63}; clear, they are
     * {@code a63 & NOT r63} and {@code NOT a63 & r63}. Translated code calls it with a constant {@code b}, so the
     * JIT folds the choice and computes each flag in one or two operations (the general form takes about ten).
     */
    public static long addImmediate64(Cpu cpu, long a, long b, int carry) {
        long r = a + b + carry;
        cpu.nf = r;
        cpu.zf = r;
        if (b < 0) {
            cpu.cf = (int) ((a | ~r) >>> 63);
            cpu.vf = a & ~r;
        } else {
            cpu.cf = (int) ((a & ~r) >>> 63);
            cpu.vf = ~a & r;
        }
        return r;
    }

    /** {@link #addImmediate64} on 32 bits: returns the zero-extended sum, flags as {@link #addWithCarry32}. */
    public static long addImmediate32(Cpu cpu, int a, int b, int carry) {
        int r = a + b + carry;
        cpu.nf = r;
        cpu.zf = r;
        if (b < 0) {
            cpu.cf = (a | ~r) >>> 31;
            cpu.vf = a & ~r;
        } else {
            cpu.cf = (a & ~r) >>> 31;
            cpu.vf = ~a & r;
        }
        return r & 0xffff_ffffL;
    }

    /** NZCV after a 64-bit logical operation (ANDS, BICS, TST): N and Z from the result, C = V = 0. */
    public static void logicFlags64(Cpu cpu, long r) {
        cpu.nf = r;
        cpu.zf = r;
        cpu.cf = 0;
        cpu.vf = 0;
    }

    /** NZCV after a 32-bit logical operation: the W result sign-extended holds N in bit 63 and is zero iff Z. */
    public static void logicFlags32(Cpu cpu, int r) {
        logicFlags64(cpu, r);
    }

    /**
     * The CRC32/CRC32C instructions' update: the reflected CRC of the low {@code bytes} bytes of {@code value}
     * (least significant byte first) continued from {@code acc}, without the pre/post inversion that
     * software CRC routines add around it.
     */
    public static int crc32(int acc, long value, int bytes, boolean castagnoli) {
        int[] table = castagnoli ? CRC32C_TABLE : CRC32_TABLE;
        int crc = acc;
        for (int i = 0; i < bytes; i++) {
            crc = (crc >>> 8) ^ table[(crc ^ (int) (value >>> (8 * i))) & 0xff];
        }
        return crc;
    }

    private static int[] crcTable(int reflectedPolynomial) {
        int[] t = new int[256];
        for (int i = 0; i < 256; i++) {
            int c = i;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ reflectedPolynomial : c >>> 1;
            }
            t[i] = c;
        }
        return t;
    }
}
