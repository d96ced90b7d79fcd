package dev.armature.arch.aarch64;

/**
 * Bit-field helpers from the Arm ARM's shared pseudocode (Ones, Replicate, ROR, DecodeBitMasks, sign
 * extension). Used at decode time to precompute operands, and by semantics that need them at run time.
 */
public final class Bits {
    private Bits() {
    }

    /** Ones(n) for 0 &lt;= n &lt;= 64. */
    public static long ones(int n) {
        return n >= 64 ? -1L : (1L << n) - 1;
    }

    /** SignExtend of the low {@code bits} bits of {@code value}. */
    public static long signExtend(long value, int bits) {
        int s = 64 - bits;
        return (value << s) >> s;
    }

    /** ROR(value, amount) on a {@code width}-bit quantity held zero-extended in a long. */
    public static long ror(long value, int amount, int width) {
        if (amount == 0) {
            return value;
        }
        return ((value >>> amount) | (value << (width - amount))) & ones(width);
    }

    /** Replicate an {@code esize}-bit element to fill 64 bits. */
    public static long replicate(long element, int esize) {
        long result = element & ones(esize);
        for (int i = esize; i < 64; i <<= 1) {
            result |= result << i;
        }
        return result;
    }

    /**
     * DecodeBitMasks(immN, imms, immr, immediate, M) (Arm ARM shared pseudocode): the wmask and tmask of a
     * logical immediate or bitfield instruction, each truncated to {@code datasize} bits.
     *
     * @return {wmask, tmask}, or null where the pseudocode says UNDEFINED (reserved encodings)
     */
    public static long[] decodeBitMasks(int immN, int imms, int immr, boolean immediate, int datasize) {
        int combined = (immN << 6) | (~imms & 0x3f);
        int len = 31 - Integer.numberOfLeadingZeros(combined); // HighestSetBit, -1 if none
        if (len < 1) {
            return null;
        }
        int esize = 1 << len;
        if (esize > datasize) {
            return null;
        }
        int levels = (int) ones(len);
        if (immediate && (imms & levels) == levels) {
            return null; // all-ones element: not a valid logical immediate
        }
        int s = imms & levels;
        int r = immr & levels;
        int d = (s - r) & levels;
        long welem = ones(s + 1);
        long telem = ones(d + 1);
        long wmask = replicate(ror(welem, r, esize), esize) & ones(datasize);
        long tmask = replicate(telem, esize) & ones(datasize);
        return new long[] {wmask, tmask};
    }
}
