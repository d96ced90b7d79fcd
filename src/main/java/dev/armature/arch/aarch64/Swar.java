package dev.armature.arch.aarch64;

/**
 * Lane-parallel arithmetic on the 8-, 16- or 32-bit lanes packed in a long ("SIMD within a register"), for the
 * hot Advanced SIMD integer operations. {@code h} is the mask of each lane's top bit ({@link #high}).
 */
public final class Swar {
    private Swar() {
    }

    /** The mask of the top bit of every {@code esize}-bit lane (esize 8, 16 or 32). */
    public static long high(int esize) {
        return esize == 8 ? 0x8080_8080_8080_8080L : esize == 16 ? 0x8000_8000_8000_8000L : 0x8000_0000_8000_0000L;
    }

    /** Lane-wise a + b, modulo the lane size. */
    public static long add(long a, long b, long h) {
        return ((a & ~h) + (b & ~h)) ^ ((a ^ b) & h);
    }

    /** Lane-wise a - b, modulo the lane size. */
    public static long sub(long a, long b, long h) {
        return ((a | h) - (b & ~h)) ^ ((a ^ ~b) & h);
    }

    /** The top bit of each lane that is not zero. */
    public static long nonZero(long x, long h) {
        return (((x & ~h) + ~h) | x) & h;
    }

    /** The top bit of each lane where a &lt; b, unsigned (the borrow out of the lane's a - b). */
    public static long lessUnsigned(long a, long b, long h) {
        return ((~a & b) | (~(a ^ b) & sub(a, b, h))) & h;
    }

    /** Every bit of each lane whose top bit is set in {@code tops} (a subset of {@code h}). */
    public static long expand(long tops, int esize) {
        long low = tops >>> (esize - 1);
        return (low << esize) - low;
    }

    /** Gathers the even lanes of a word into its low 32 bits (the odd lanes must be zero). */
    public static long compactEven(long x, int esize) {
        if (esize == 8) {
            x = (x | x >>> 8) & 0x0000_ffff_0000_ffffL;
        }
        if (esize <= 16) {
            x = (x | x >>> 16) & 0x0000_0000_ffff_ffffL;
        }
        return x & 0xffff_ffffL;
    }
}
