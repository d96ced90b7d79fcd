package dev.armature.arch.aarch64;

/**
 * Integer ALU primitives shared by the instruction semantics (and by the translator, which calls the same
 * methods): AddWithCarry with NZCV, logical flags, condition evaluation, CRC32.
 *
 * <p>Conditions are evaluated from a 16-bit truth table precomputed at decode time ({@link #conditionMask}):
 * bit {@code NZCV} of the mask says whether the condition holds for those flags, so evaluating a condition is
 * a shift and a mask, with no switch at run time.
 */
public final class Alu {
    private static final int Z = 0x4000_0000;

    private static final int[] CRC32_TABLE = crcTable(0xedb8_8320);
    private static final int[] CRC32C_TABLE = crcTable(0x82f6_3b78);

    private Alu() {
    }

    /** AddWithCarry(a, b, carry) on 64 bits: returns the sum and sets PSTATE.NZCV. */
    public static long addWithCarry64(Cpu cpu, long a, long b, int carry) {
        long r = a + b + carry;
        long c = ((a & b) | ((a ^ b) & ~r)) >>> 63;
        long v = ((a ^ r) & (b ^ r)) >>> 63;
        cpu.nzcv = (int) ((r >>> 63) << 31 | c << 29 | v << 28) | (r == 0 ? Z : 0);
        return r;
    }

    /** AddWithCarry(a, b, carry) on 32 bits: returns the zero-extended sum and sets PSTATE.NZCV. */
    public static long addWithCarry32(Cpu cpu, int a, int b, int carry) {
        int r = a + b + carry;
        int c = ((a & b) | ((a ^ b) & ~r)) >>> 31;
        int v = ((a ^ r) & (b ^ r)) >>> 31;
        cpu.nzcv = (r & 0x8000_0000) | c << 29 | v << 28 | (r == 0 ? Z : 0);
        return r & 0xffff_ffffL;
    }

    /** NZCV after a 64-bit logical operation: N and Z from the result, C = V = 0. */
    public static int logicFlags64(long r) {
        return (int) (r >>> 32) & 0x8000_0000 | (r == 0 ? Z : 0);
    }

    /** NZCV after a 32-bit logical operation. */
    public static int logicFlags32(int r) {
        return r & 0x8000_0000 | (r == 0 ? Z : 0);
    }

    /** The truth table of ConditionHolds(cond): bit i is set when the condition holds for NZCV = i. */
    public static int conditionMask(int cond) {
        int mask = 0;
        for (int nzcv = 0; nzcv < 16; nzcv++) {
            boolean n = (nzcv & 8) != 0;
            boolean z = (nzcv & 4) != 0;
            boolean c = (nzcv & 2) != 0;
            boolean v = (nzcv & 1) != 0;
            boolean result = switch ((cond >>> 1) & 7) {
                case 0 -> z;
                case 1 -> c;
                case 2 -> n;
                case 3 -> v;
                case 4 -> c && !z;
                case 5 -> n == v;
                case 6 -> n == v && !z;
                default -> true;
            };
            if ((cond & 1) != 0 && cond != 0xf) {
                result = !result;
            }
            if (result) {
                mask |= 1 << nzcv;
            }
        }
        return mask;
    }

    /** Whether a condition with truth table {@code mask} holds for the flags in {@code nzcv} (bits 31..28). */
    public static boolean holds(int mask, int nzcv) {
        return ((mask >>> (nzcv >>> 28)) & 1) != 0;
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
