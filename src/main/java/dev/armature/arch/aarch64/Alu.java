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
     * AddWithCarry(a, b, carry) on 64 bits: returns the sum and sets PSTATE.NZCV ({@link #carry64},
     * {@link #overflow64}).
     */
    public static long addWithCarry64(Cpu cpu, long a, long b, int carry) {
        long r = a + b + carry;
        setFlags(cpu, r, carry64(a, b, r), overflow64(a, b, r));
        return r;
    }

    /**
     * AddWithCarry(a, b, carry) on 32 bits: returns the zero-extended sum and sets PSTATE.NZCV (N, Z and V from
     * the sign-extended 32-bit values).
     */
    public static long addWithCarry32(Cpu cpu, int a, int b, int carry) {
        int r = a + b + carry;
        setFlags(cpu, r, carry32(a, b, r), overflow32(a, b, r));
        return r & 0xffff_ffffL;
    }

    /**
     * Sets NZCV in {@link Cpu}'s unpacked form: N and Z from {@code nz} (a 32-bit result sign-extended), C as 0
     * or 1, V in the sign bit of {@code v}.
     */
    public static void setFlags(Cpu cpu, long nz, int c, long v) {
        cpu.nf = nz;
        cpu.zf = nz;
        cpu.cf = c;
        cpu.vf = v;
    }

    /**
     * A {@link FlagSetting} instruction's {@code compute}: the result, with NZCV set from the instruction's flag
     * functions (which the JIT computes once with the result: they share their subexpressions).
     */
    public static long computeWithFlags(Cpu cpu, FlagSetting insn, long n, long m, long a) {
        setFlags(cpu, insn.nz(n, m, a), insn.carry(n, m, a), insn.overflow(n, m, a));
        return insn.value(n, m, a);
    }

    /**
     * The carry out of bit 63 of {@code r = a + b + carry}: both operands' top bits set, or one of them and not
     * the sum's (bit logic: the JIT made branches of unsigned compares).
     */
    public static int carry64(long a, long b, long r) {
        return (int) (((a & b) | ((a ^ b) & ~r)) >>> 63);
    }

    /** The signed overflow of {@code r = a + b + carry}, in the sign bit. */
    public static long overflow64(long a, long b, long r) {
        return (a ^ r) & (b ^ r);
    }

    /** {@link #carry64} on 32 bits. */
    public static int carry32(int a, int b, int r) {
        return ((a & b) | ((a ^ b) & ~r)) >>> 31;
    }

    /** {@link #overflow64} on 32 bits, sign-extended. */
    public static long overflow32(int a, int b, int r) {
        return (a ^ r) & (b ^ r);
    }

    /**
     * {@link #carry64} for a {@code b} fixed by the instruction (ADDS/SUBS immediate: imm, or NOT(imm) for SUBS),
     * from the top bits of {@code a} and the sum alone, given the top bit of {@code b}: with it set the carry out
     * of bit 63 is {@code a63 | NOT r63} (and an overflow {@code a63 & NOT r63}); clear, {@code a63 & NOT r63}
     * (and {@code NOT a63 & r63}). Translated code calls it with a constant {@code b}, so the JIT folds the choice
     * and computes each flag in one or two operations (the general form takes about ten).
     */
    public static int immediateCarry64(long a, long b, long r) {
        return (int) ((b < 0 ? a | ~r : a & ~r) >>> 63);
    }

    /** {@link #overflow64} for a fixed {@code b} ({@link #immediateCarry64}). */
    public static long immediateOverflow64(long a, long b, long r) {
        return b < 0 ? a & ~r : ~a & r;
    }

    /** {@link #immediateCarry64} on 32 bits. */
    public static int immediateCarry32(int a, int b, int r) {
        return (b < 0 ? a | ~r : a & ~r) >>> 31;
    }

    /** {@link #immediateOverflow64} on 32 bits, sign-extended. */
    public static long immediateOverflow32(int a, int b, int r) {
        return b < 0 ? a & ~r : ~a & r;
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
