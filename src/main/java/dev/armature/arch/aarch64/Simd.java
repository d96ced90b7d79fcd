package dev.armature.arch.aarch64;

/**
 * Element access on 128-bit vector values held as two longs (low, high), as in {@link Cpu#v}, and the
 * saturation helpers of the Advanced SIMD pseudocode (SatQ with FPSR.QC).
 */
public final class Simd {
    /** FPSR.QC, the cumulative saturation flag. */
    public static final int QC = 1 << 27;

    private Simd() {
    }

    /** Element {@code i} of size {@code esize} bits, zero-extended. */
    public static long lane(long lo, long hi, int i, int esize) {
        int bit = i * esize;
        long w = bit < 64 ? lo : hi;
        return esize == 64 ? w : (w >>> (bit & 63)) & ((1L << esize) - 1);
    }

    /** Element {@code i} of size {@code esize} bits, sign-extended. */
    public static long slane(long lo, long hi, int i, int esize) {
        int bit = i * esize;
        long w = bit < 64 ? lo : hi;
        int up = 64 - esize - (bit & 63);
        return (w << up) >> (64 - esize);
    }

    /** {@code value} truncated to {@code esize} bits and moved to the position of element {@code i} in its half. */
    public static long place(long value, int i, int esize) {
        return esize == 64 ? value : (value & ((1L << esize) - 1)) << ((i * esize) & 63);
    }

    /** Sign-extends the low {@code esize} bits. */
    public static long sx(long value, int esize) {
        return (value << (64 - esize)) >> (64 - esize);
    }

    /** SignedSatQ of a value known to fit in 64 bits signed, to {@code esize} bits; sets QC when saturating. */
    public static long ssat(Cpu cpu, long value, int esize) {
        if (esize == 64) {
            return value;
        }
        long max = (1L << (esize - 1)) - 1;
        if (value > max) {
            cpu.fpsr |= QC;
            return max;
        }
        if (value < -max - 1) {
            cpu.fpsr |= QC;
            return -max - 1;
        }
        return value;
    }

    /** UnsignedSatQ of a signed 64-bit value to {@code esize} bits (&lt; 64); sets QC when saturating. */
    public static long usat(Cpu cpu, long value, int esize) {
        long max = esize == 64 ? -1L : (1L << esize) - 1;
        if (value < 0) {
            cpu.fpsr |= QC;
            return 0;
        }
        if (esize < 64 && value > max) {
            cpu.fpsr |= QC;
            return max;
        }
        return value;
    }

    /** Writes a scalar or 64-bit vector result: the upper 64 bits of the register become zero. */
    public static void write64(Cpu cpu, int d, long lo) {
        cpu.v[2 * d] = lo;
        cpu.v[2 * d + 1] = 0;
    }
}
