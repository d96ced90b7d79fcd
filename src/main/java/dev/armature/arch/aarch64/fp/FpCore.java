package dev.armature.arch.aarch64.fp;

import dev.armature.arch.aarch64.Cpu;
import java.math.BigInteger;

/**
 * IEEE 754 arithmetic as the Arm ARM's FP pseudocode defines it (FPAdd, FPMul, FPMulAdd, FPDiv, FPSqrt, FPMax,
 * FPMin, FPCompare, FPRoundInt, FPToFixed, FixedToFP, FPConvert), on raw half (H), single (S) and double (D)
 * bit patterns: every FPCR rounding mode, FZ (inputs and outputs flushed, IDC/UFC), DN, AHP (conversions), NaN
 * propagation in FPProcessNaNs order, and the exact cumulative FPSR flags.
 *
 * <p>Values are rounded by {@link #round} from an exact significand and exponent (sticky bits jammed into bit 0).
 * The fast path uses Java's round-to-nearest arithmetic when the outcome cannot differ: RN, normal operands, a
 * normal result (so no underflow, overflow or denormal input) and IXC already set (so exactness is irrelevant).
 */
public final class FpCore {
    public static final int IOC = 1;
    public static final int DZC = 2;
    public static final int OFC = 4;
    public static final int UFC = 8;
    public static final int IXC = 16;
    public static final int IDC = 128;

    /** Formats. */
    public static final int H = 0;
    public static final int S = 1;
    public static final int D = 2;

    /** Rounding modes: FPCR.RMode values, then ties-away (FCVTA*, FRINTA) and round-to-odd (FCVTXN). */
    public static final int RN = 0;
    public static final int RP = 1;
    public static final int RM = 2;
    public static final int RZ = 3;
    public static final int RA = 4;
    public static final int RO = 5;

    private static final int[] EBITS = {5, 8, 11};
    private static final int[] FBITS = {10, 23, 52};
    private static final int FZ = 1 << 24;
    private static final int DN = 1 << 25;
    private static final int AHP = 1 << 26;
    private static final int FAST_MASK = 3 << 22 | FZ;

    private FpCore() {
    }

    /** Size of the format in bits. */
    public static int bits(int fmt) {
        return 16 << fmt;
    }

    public static int rmode(Cpu cpu) {
        return cpu.fpcr >>> 22 & 3;
    }

    // ---- Classification and constructors ----

    static long signBit(int fmt) {
        return 1L << (bits(fmt) - 1);
    }

    static int expField(long x, int fmt) {
        return (int) (x >>> FBITS[fmt]) & ((1 << EBITS[fmt]) - 1);
    }

    static long fracField(long x, int fmt) {
        return x & ((1L << FBITS[fmt]) - 1);
    }

    static int maxExp(int fmt) {
        return (1 << EBITS[fmt]) - 1;
    }

    public static boolean isNaN(long x, int fmt) {
        return expField(x, fmt) == maxExp(fmt) && fracField(x, fmt) != 0;
    }

    static boolean isSNaN(long x, int fmt) {
        return isNaN(x, fmt) && (x >>> (FBITS[fmt] - 1) & 1) == 0;
    }

    static boolean isInf(long x, int fmt) {
        return expField(x, fmt) == maxExp(fmt) && fracField(x, fmt) == 0;
    }

    static boolean isZero(long x, int fmt) {
        return (x & (signBit(fmt) - 1)) == 0;
    }

    /** Normal (not zero, subnormal, infinite or NaN): such operands may take the fast path. */
    static boolean isNormal(long x, int fmt) {
        int e = expField(x, fmt);
        return e != 0 && e != maxExp(fmt);
    }

    static boolean negative(long x, int fmt) {
        return (x & signBit(fmt)) != 0;
    }

    public static long defaultNaN(int fmt) {
        return (long) maxExp(fmt) << FBITS[fmt] | 1L << (FBITS[fmt] - 1);
    }

    static long inf(boolean sign, int fmt) {
        return (sign ? signBit(fmt) : 0) | (long) maxExp(fmt) << FBITS[fmt];
    }

    static long zero(boolean sign, int fmt) {
        return sign ? signBit(fmt) : 0;
    }

    static long maxNormal(boolean sign, int fmt) {
        return (sign ? signBit(fmt) : 0) | ((long) maxExp(fmt) << FBITS[fmt]) - 1;
    }

    /** The integer significand of a finite nonzero value. */
    static long mant(long x, int fmt) {
        long f = fracField(x, fmt);
        return expField(x, fmt) == 0 ? f : f | 1L << FBITS[fmt];
    }

    /** The exponent of the significand's unit: value = mant * 2^expo. */
    static int expo(long x, int fmt) {
        int e = expField(x, fmt);
        return (e == 0 ? 1 : e) - ((1 << (EBITS[fmt] - 1)) - 1) - FBITS[fmt];
    }

    /** FPUnpack's flush of a subnormal input to a signed zero with FZ (not for half precision), setting IDC. */
    static long flush(Cpu cpu, long x, int fmt) {
        if ((cpu.fpcr & FZ) != 0 && fmt != H && expField(x, fmt) == 0 && fracField(x, fmt) != 0) {
            cpu.fpsr |= IDC;
            return x & signBit(fmt);
        }
        return x;
    }

    // ---- NaNs ----

    /** FPProcessNaN: quieten (IOC for a signalling NaN), or the default NaN with DN. */
    static long processNaN(Cpu cpu, long x, int fmt) {
        if (isSNaN(x, fmt)) {
            cpu.fpsr |= IOC;
            x |= 1L << (FBITS[fmt] - 1);
        }
        return (cpu.fpcr & DN) != 0 ? defaultNaN(fmt) : x;
    }

    /** FPProcessNaNs: signalling NaNs first, then quiet, each in operand order. */
    static long processNaNs(Cpu cpu, long a, long b, int fmt) {
        if (isSNaN(a, fmt)) {
            return processNaN(cpu, a, fmt);
        }
        if (isSNaN(b, fmt)) {
            return processNaN(cpu, b, fmt);
        }
        return processNaN(cpu, isNaN(a, fmt) ? a : b, fmt);
    }

    static long invalid(Cpu cpu, int fmt) {
        cpu.fpsr |= IOC;
        return defaultNaN(fmt);
    }

    // ---- Rounding ----

    /**
     * FPRound of the exact value (-1)^sign * m * 2^e, m an unsigned nonzero significand whose bit 0 may carry
     * jammed sticky bits (it is then below the rounding position). FZ flushing applies except to half precision.
     */
    static long round(Cpu cpu, boolean sign, long m, int e, int fmt, int rmode) {
        int ebits = EBITS[fmt];
        int f = FBITS[fmt];
        int minExp = 2 - (1 << (ebits - 1));
        int exponent = e + 63 - Long.numberOfLeadingZeros(m);
        if ((cpu.fpcr & FZ) != 0 && fmt != H && exponent < minExp) {
            cpu.fpsr |= UFC;
            return zero(sign, fmt);
        }
        int biased = Math.max(exponent - minExp + 1, 0);
        int s = (biased > 0 ? exponent - f : minExp - f) - e;
        long intMant;
        boolean half;
        boolean rest;
        if (s <= 0) {
            intMant = m << -s;
            half = false;
            rest = false;
        } else if (s < 64) {
            intMant = m >>> s;
            half = (m >>> (s - 1) & 1) != 0;
            rest = (m & ((1L << (s - 1)) - 1)) != 0;
        } else {
            intMant = 0;
            half = s == 64 && m < 0;
            rest = s > 64 || (m << 1) != 0;
        }
        boolean inexact = half || rest;
        if (biased == 0 && inexact) {
            cpu.fpsr |= UFC;
        }
        boolean up;
        boolean overflowToInf;
        switch (rmode) {
            case RN -> {
                up = half && (rest || (intMant & 1) != 0);
                overflowToInf = true;
            }
            case RP -> {
                up = inexact && !sign;
                overflowToInf = !sign;
            }
            case RM -> {
                up = inexact && sign;
                overflowToInf = sign;
            }
            case RA -> {
                up = half;
                overflowToInf = true;
            }
            default -> {
                up = false;
                overflowToInf = false;
            }
        }
        if (up) {
            intMant++;
            if (biased == 0 && intMant == 1L << f) {
                biased = 1;
            }
            if (intMant == 1L << (f + 1)) {
                biased++;
                intMant >>>= 1;
            }
        }
        if (rmode == RO && inexact) {
            intMant |= 1;
        }
        long signBits = sign ? signBit(fmt) : 0;
        if (fmt == H && (cpu.fpcr & AHP) != 0) {
            if (biased >= 1 << ebits) {
                cpu.fpsr |= IOC;
                return signBits | 0x7fff;
            }
        } else if (biased >= (1 << ebits) - 1) {
            cpu.fpsr |= OFC | IXC;
            return overflowToInf ? inf(sign, fmt) : maxNormal(sign, fmt);
        }
        if (inexact) {
            cpu.fpsr |= IXC;
        }
        return signBits | (long) biased << f | (intMant & ((1L << f) - 1));
    }

    /** Rounds an exact BigInteger magnitude times 2^e. */
    static long round(Cpu cpu, boolean sign, BigInteger m, int e, int fmt, int rmode) {
        int len = m.bitLength();
        if (len <= 63) {
            return round(cpu, sign, m.longValue(), e, fmt, rmode);
        }
        int shift = len - 63;
        long top = m.shiftRight(shift).longValue() | (m.getLowestSetBit() < shift ? 1 : 0);
        return round(cpu, sign, top, e + shift, fmt, rmode);
    }

    /** The signed zero of an exact zero sum: -0 only when rounding towards minus infinity. */
    static long exactZero(int rmode, int fmt) {
        return zero(rmode == RM, fmt);
    }

    // ---- Arithmetic ----

    /** FPAdd, or FPSub with {@code subtract}. */
    public static long add(Cpu cpu, long a, long b, int fmt, boolean subtract) {
        if ((cpu.fpcr & FAST_MASK) == 0 && (cpu.fpsr & IXC) != 0 && isNormal(a, fmt) && isNormal(b, fmt)) {
            if (fmt == D) {
                double r = subtract ? Double.longBitsToDouble(a) - Double.longBitsToDouble(b)
                        : Double.longBitsToDouble(a) + Double.longBitsToDouble(b);
                if (Math.abs(r) > Double.MIN_NORMAL && Math.abs(r) <= Double.MAX_VALUE) {
                    return Double.doubleToRawLongBits(r);
                }
            } else if (fmt == S) {
                float r = subtract ? Float.intBitsToFloat((int) a) - Float.intBitsToFloat((int) b)
                        : Float.intBitsToFloat((int) a) + Float.intBitsToFloat((int) b);
                if (Math.abs(r) > Float.MIN_NORMAL && Math.abs(r) <= Float.MAX_VALUE) {
                    return Float.floatToRawIntBits(r) & 0xffff_ffffL;
                }
            }
        }
        a = flush(cpu, a, fmt);
        b = flush(cpu, b, fmt);
        if (isNaN(a, fmt) || isNaN(b, fmt)) {
            return processNaNs(cpu, a, b, fmt);
        }
        if (subtract) {
            b ^= signBit(fmt);
        }
        boolean sa = negative(a, fmt);
        boolean sb = negative(b, fmt);
        if (isInf(a, fmt) || isInf(b, fmt)) {
            if (isInf(a, fmt) && isInf(b, fmt) && sa != sb) {
                return invalid(cpu, fmt);
            }
            return isInf(a, fmt) ? a : b;
        }
        int rmode = rmode(cpu);
        if (isZero(a, fmt) && isZero(b, fmt)) {
            return sa == sb ? a : exactZero(rmode, fmt);
        }
        if (isZero(a, fmt)) {
            return b;
        }
        if (isZero(b, fmt)) {
            return a;
        }
        long ma = mant(a, fmt);
        long mb = mant(b, fmt);
        int la = 61 - (63 - Long.numberOfLeadingZeros(ma));
        int lb = 61 - (63 - Long.numberOfLeadingZeros(mb));
        ma <<= la;
        mb <<= lb;
        int ea = expo(a, fmt) - la;
        int eb = expo(b, fmt) - lb;
        if (ea < eb) {
            long t = ma;
            ma = mb;
            mb = t;
            int te = ea;
            ea = eb;
            eb = te;
            boolean ts = sa;
            sa = sb;
            sb = ts;
        }
        mb = shiftRightJam(mb, ea - eb);
        long r;
        boolean sign = sa;
        if (sa == sb) {
            r = ma + mb;
        } else if (Long.compareUnsigned(ma, mb) >= 0) {
            r = ma - mb;
        } else {
            r = mb - ma;
            sign = sb;
        }
        if (r == 0) {
            return exactZero(rmode, fmt);
        }
        return round(cpu, sign, r, ea, fmt, rmode);
    }

    /** Logical right shift keeping any shifted-out ones as bit 0. */
    static long shiftRightJam(long m, int n) {
        if (n == 0) {
            return m;
        }
        if (n >= 64) {
            return m != 0 ? 1 : 0;
        }
        return m >>> n | ((m & ((1L << n) - 1)) != 0 ? 1 : 0);
    }

    /** FPMul. */
    public static long mul(Cpu cpu, long a, long b, int fmt) {
        if ((cpu.fpcr & FAST_MASK) == 0 && (cpu.fpsr & IXC) != 0 && isNormal(a, fmt) && isNormal(b, fmt)) {
            if (fmt == D) {
                double r = Double.longBitsToDouble(a) * Double.longBitsToDouble(b);
                if (Math.abs(r) > Double.MIN_NORMAL && Math.abs(r) <= Double.MAX_VALUE) {
                    return Double.doubleToRawLongBits(r);
                }
            } else if (fmt == S) {
                float r = Float.intBitsToFloat((int) a) * Float.intBitsToFloat((int) b);
                if (Math.abs(r) > Float.MIN_NORMAL && Math.abs(r) <= Float.MAX_VALUE) {
                    return Float.floatToRawIntBits(r) & 0xffff_ffffL;
                }
            }
        }
        a = flush(cpu, a, fmt);
        b = flush(cpu, b, fmt);
        if (isNaN(a, fmt) || isNaN(b, fmt)) {
            return processNaNs(cpu, a, b, fmt);
        }
        boolean sign = negative(a, fmt) != negative(b, fmt);
        boolean infA = isInf(a, fmt);
        boolean infB = isInf(b, fmt);
        if (infA && isZero(b, fmt) || infB && isZero(a, fmt)) {
            return invalid(cpu, fmt);
        }
        if (infA || infB) {
            return inf(sign, fmt);
        }
        if (isZero(a, fmt) || isZero(b, fmt)) {
            return zero(sign, fmt);
        }
        long ma = mant(a, fmt);
        long mb = mant(b, fmt);
        int e = expo(a, fmt) + expo(b, fmt);
        long hi = Math.unsignedMultiplyHigh(ma, mb);
        long lo = ma * mb;
        if (hi != 0) {
            int shift = 64 - Long.numberOfLeadingZeros(hi);
            lo = hi << (64 - shift) | lo >>> shift | ((lo & ((1L << shift) - 1)) != 0 ? 1 : 0);
            e += shift;
        }
        return round(cpu, sign, lo, e, fmt, rmode(cpu));
    }

    /** FPDiv. */
    public static long div(Cpu cpu, long a, long b, int fmt) {
        if ((cpu.fpcr & FAST_MASK) == 0 && (cpu.fpsr & IXC) != 0 && isNormal(a, fmt) && isNormal(b, fmt)) {
            if (fmt == D) {
                double r = Double.longBitsToDouble(a) / Double.longBitsToDouble(b);
                if (Math.abs(r) > Double.MIN_NORMAL && Math.abs(r) <= Double.MAX_VALUE) {
                    return Double.doubleToRawLongBits(r);
                }
            } else if (fmt == S) {
                float r = Float.intBitsToFloat((int) a) / Float.intBitsToFloat((int) b);
                if (Math.abs(r) > Float.MIN_NORMAL && Math.abs(r) <= Float.MAX_VALUE) {
                    return Float.floatToRawIntBits(r) & 0xffff_ffffL;
                }
            }
        }
        a = flush(cpu, a, fmt);
        b = flush(cpu, b, fmt);
        if (isNaN(a, fmt) || isNaN(b, fmt)) {
            return processNaNs(cpu, a, b, fmt);
        }
        boolean sign = negative(a, fmt) != negative(b, fmt);
        boolean infA = isInf(a, fmt);
        boolean zeroB = isZero(b, fmt);
        if (infA && isInf(b, fmt) || isZero(a, fmt) && zeroB) {
            return invalid(cpu, fmt);
        }
        if (infA || zeroB) {
            if (!infA) {
                cpu.fpsr |= DZC;
            }
            return inf(sign, fmt);
        }
        if (isZero(a, fmt) || isInf(b, fmt)) {
            return zero(sign, fmt);
        }
        long ma = mant(a, fmt);
        long mb = mant(b, fmt);
        int e = expo(a, fmt) - expo(b, fmt);
        int na = Long.numberOfLeadingZeros(ma) - 10;
        int nb = Long.numberOfLeadingZeros(mb) - 10;
        ma <<= na; // both now in [2^53, 2^54)
        mb <<= nb;
        e -= na - nb;
        if (ma < mb) {
            ma <<= 1;
            e--;
        }
        // Restoring division: q = floor(ma / mb * 2^61), in [2^61, 2^62).
        long q = 0;
        long r = ma;
        for (int i = 0; i < 62; i++) {
            q <<= 1;
            if (r >= mb) {
                r -= mb;
                q |= 1;
            }
            r <<= 1;
        }
        return round(cpu, sign, q | (r != 0 ? 1 : 0), e - 61, fmt, rmode(cpu));
    }

    /** FPSqrt. */
    public static long sqrt(Cpu cpu, long a, int fmt) {
        if ((cpu.fpcr & FAST_MASK) == 0 && (cpu.fpsr & IXC) != 0 && isNormal(a, fmt) && !negative(a, fmt)) {
            if (fmt == D) {
                return Double.doubleToRawLongBits(Math.sqrt(Double.longBitsToDouble(a)));
            } else if (fmt == S) {
                // Double rounding through double is exact for sqrt (53 >= 2 * 24 + 2).
                return Float.floatToRawIntBits((float) Math.sqrt(Float.intBitsToFloat((int) a))) & 0xffff_ffffL;
            }
        }
        a = flush(cpu, a, fmt);
        if (isNaN(a, fmt)) {
            return processNaN(cpu, a, fmt);
        }
        if (isZero(a, fmt)) {
            return a;
        }
        if (negative(a, fmt)) {
            return invalid(cpu, fmt);
        }
        if (isInf(a, fmt)) {
            return a;
        }
        long m = mant(a, fmt);
        int e = expo(a, fmt);
        int shift = 124 - (63 - Long.numberOfLeadingZeros(m));
        if (((e - shift) & 1) != 0) {
            shift++;
        }
        BigInteger[] root = BigInteger.valueOf(m).shiftLeft(shift).sqrtAndRemainder();
        long q = root[0].longValue() | (root[1].signum() != 0 ? 1 : 0);
        return round(cpu, false, q, (e - shift) / 2, fmt, rmode(cpu));
    }

    /** FPMulAdd: addend + op1 * op2 with a single rounding. */
    public static long mulAdd(Cpu cpu, long addend, long op1, long op2, int fmt) {
        if ((cpu.fpcr & FAST_MASK) == 0 && (cpu.fpsr & IXC) != 0 && isNormal(addend, fmt) && isNormal(op1, fmt)
                && isNormal(op2, fmt)) {
            if (fmt == D) {
                double r = Math.fma(Double.longBitsToDouble(op1), Double.longBitsToDouble(op2),
                        Double.longBitsToDouble(addend));
                if (Math.abs(r) > Double.MIN_NORMAL && Math.abs(r) <= Double.MAX_VALUE) {
                    return Double.doubleToRawLongBits(r);
                }
            } else if (fmt == S) {
                float r = Math.fma(Float.intBitsToFloat((int) op1), Float.intBitsToFloat((int) op2),
                        Float.intBitsToFloat((int) addend));
                if (Math.abs(r) > Float.MIN_NORMAL && Math.abs(r) <= Float.MAX_VALUE) {
                    return Float.floatToRawIntBits(r) & 0xffff_ffffL;
                }
            }
        }
        long a = flush(cpu, addend, fmt);
        long b = flush(cpu, op1, fmt);
        long c = flush(cpu, op2, fmt);
        boolean infB = isInf(b, fmt);
        boolean infC = isInf(c, fmt);
        boolean zeroB = isZero(b, fmt);
        boolean zeroC = isZero(c, fmt);
        boolean infTimesZero = infB && zeroC || zeroB && infC;
        if (isNaN(a, fmt) || isNaN(b, fmt) || isNaN(c, fmt)) {
            long r;
            if (isSNaN(a, fmt)) {
                r = processNaN(cpu, a, fmt);
            } else if (isSNaN(b, fmt)) {
                r = processNaN(cpu, b, fmt);
            } else if (isSNaN(c, fmt)) {
                r = processNaN(cpu, c, fmt);
            } else {
                r = processNaN(cpu, isNaN(a, fmt) ? a : isNaN(b, fmt) ? b : c, fmt);
            }
            if (isNaN(a, fmt) && !isSNaN(a, fmt) && infTimesZero) {
                return invalid(cpu, fmt);
            }
            return r;
        }
        boolean signA = negative(a, fmt);
        boolean signP = negative(b, fmt) != negative(c, fmt);
        boolean infA = isInf(a, fmt);
        boolean infP = infB || infC;
        if (infTimesZero || infA && infP && signA != signP) {
            return invalid(cpu, fmt);
        }
        if (infA || infP) {
            return inf(infA ? signA : signP, fmt);
        }
        boolean zeroP = zeroB || zeroC;
        int rmode = rmode(cpu);
        if (isZero(a, fmt) && zeroP) {
            return signA == signP ? a : exactZero(rmode, fmt);
        }
        if (zeroP) {
            return a;
        }
        return roundFused(cpu, a, b, c, fmt, rmode, 0);
    }

    /**
     * Rounds (a + b * c) * 2^scale for finite a, b, c that are not all of a zero addend and a zero product.
     */
    private static long roundFused(Cpu cpu, long a, long b, long c, int fmt, int rmode, int scale) {
        boolean signA = negative(a, fmt);
        boolean signP = negative(b, fmt) != negative(c, fmt);
        boolean zeroP = isZero(b, fmt) || isZero(c, fmt);
        BigInteger p = zeroP ? BigInteger.ZERO
                : BigInteger.valueOf(mant(b, fmt)).multiply(BigInteger.valueOf(mant(c, fmt)));
        int ep = zeroP ? Integer.MAX_VALUE : expo(b, fmt) + expo(c, fmt);
        if (isZero(a, fmt)) {
            return round(cpu, signP, p, ep + scale, fmt, rmode);
        }
        BigInteger ma = BigInteger.valueOf(mant(a, fmt));
        int ea = expo(a, fmt);
        int e = Math.min(ea, ep);
        BigInteger x = ma.shiftLeft(ea - e);
        BigInteger y = zeroP ? BigInteger.ZERO : p.shiftLeft(ep - e);
        BigInteger sum = (signA ? x.negate() : x).add(signP ? y.negate() : y);
        if (sum.signum() == 0) {
            return exactZero(rmode, fmt);
        }
        return round(cpu, sum.signum() < 0, sum.abs(), e + scale, fmt, rmode);
    }

    /** FPMulX: FPMul except that infinity times zero is 2.0 with the product's sign. */
    public static long mulX(Cpu cpu, long a, long b, int fmt) {
        long fa = flush(cpu, a, fmt);
        long fb = flush(cpu, b, fmt);
        if (!isNaN(fa, fmt) && !isNaN(fb, fmt)
                && (isInf(fa, fmt) && isZero(fb, fmt) || isZero(fa, fmt) && isInf(fb, fmt))) {
            return two(negative(fa, fmt) != negative(fb, fmt), fmt);
        }
        return mul(cpu, fa, fb, fmt);
    }

    private static long two(boolean sign, int fmt) {
        return (sign ? signBit(fmt) : 0) | (long) (1 << (EBITS[fmt] - 1)) << FBITS[fmt];
    }

    /** FPRecipStepFused (FRECPS): 2 - a * b, fused; infinity times zero gives 2.0. */
    public static long recipStep(Cpu cpu, long a, long b, int fmt) {
        return step(cpu, a, b, fmt, false);
    }

    /** FPRSqrtStepFused (FRSQRTS): (3 - a * b) / 2, fused; infinity times zero gives 1.5. */
    public static long rsqrtStep(Cpu cpu, long a, long b, int fmt) {
        return step(cpu, a, b, fmt, true);
    }

    private static long step(Cpu cpu, long a, long b, int fmt, boolean rsqrt) {
        a = flush(cpu, a ^ signBit(fmt), fmt);
        b = flush(cpu, b, fmt);
        if (isNaN(a, fmt) || isNaN(b, fmt)) {
            return processNaNs(cpu, a, b, fmt);
        }
        boolean infA = isInf(a, fmt);
        boolean infB = isInf(b, fmt);
        long constant = rsqrt ? two(false, fmt) | 1L << (FBITS[fmt] - 1) : two(false, fmt); // 3.0 or 2.0
        if (infA && isZero(b, fmt) || isZero(a, fmt) && infB) {
            return rsqrt ? constant - (1L << FBITS[fmt]) : constant; // 1.5 = 3.0 with the exponent lowered
        }
        if (infA || infB) {
            return inf(negative(a, fmt) != negative(b, fmt), fmt);
        }
        return roundFused(cpu, constant, a, b, fmt, rmode(cpu), rsqrt ? -1 : 0);
    }

    /** RecipEstimate: a in 256..511 (0.5 &lt;= x &lt; 1 in 1/512 steps) to 256..511 (1 &lt;= 1/x &lt; 2). */
    static int recipEstimate(int a) {
        a = a * 2 + 1;
        int b = (1 << 19) / a;
        return (b + 1) / 2;
    }

    /** RecipSqrtEstimate: a in 128..511 to 256..511. */
    static int rsqrtEstimate(int a) {
        if (a < 256) {
            a = a * 2 + 1;
        } else {
            a = (a >>> 1) << 1;
            a = (a + 1) * 2;
        }
        long b = 512;
        while (a * (b + 1) * (b + 1) < 1L << 28) {
            b++;
        }
        return (int) ((b + 1) / 2);
    }

    /** FPRecipEstimate (FRECPE), single or double precision. */
    public static long recipEstimate(Cpu cpu, long x, int fmt) {
        long a = flush(cpu, x, fmt);
        boolean sign = negative(a, fmt);
        if (isNaN(a, fmt)) {
            return processNaN(cpu, a, fmt);
        }
        if (isInf(a, fmt)) {
            return zero(sign, fmt);
        }
        if (isZero(a, fmt)) {
            cpu.fpsr |= DZC;
            return inf(sign, fmt);
        }
        int exp = expField(a, fmt);
        int f = FBITS[fmt];
        // Below 2^-128 (single) or 2^-1024 (double) the reciprocal overflows.
        if (exp == 0 && (fracField(a, fmt) >>> (f - 2)) == 0) {
            boolean toInf = switch (rmode(cpu)) {
                case RN -> true;
                case RP -> !sign;
                case RM -> sign;
                default -> false;
            };
            cpu.fpsr |= OFC | IXC;
            return toInf ? inf(sign, fmt) : maxNormal(sign, fmt);
        }
        int bias = (1 << (EBITS[fmt] - 1)) - 1;
        if ((cpu.fpcr & FZ) != 0 && exp >= 2 * bias - 1) {
            cpu.fpsr |= UFC;
            return zero(sign, fmt);
        }
        long fraction = fracField(a, fmt) << (52 - f);
        if (exp == 0) {
            if ((fraction >>> 51 & 1) == 0) {
                exp = -1;
                fraction = (fraction << 2) & ((1L << 52) - 1);
            } else {
                fraction = (fraction << 1) & ((1L << 52) - 1);
            }
        }
        int scaled = (int) (256 | fraction >>> 44);
        int resultExp = 2 * bias - 1 - exp;
        long estimate = recipEstimate(scaled);
        fraction = (estimate & 0xff) << 44;
        if (resultExp == 0) {
            fraction = 1L << 51 | fraction >>> 1;
        } else if (resultExp == -1) {
            fraction = 1L << 50 | fraction >>> 2;
            resultExp = 0;
        }
        return (sign ? signBit(fmt) : 0) | (long) resultExp << f | fraction >>> (52 - f);
    }

    /** FPRSqrtEstimate (FRSQRTE), single or double precision. */
    public static long rsqrtEstimate(Cpu cpu, long x, int fmt) {
        long a = flush(cpu, x, fmt);
        if (isNaN(a, fmt)) {
            return processNaN(cpu, a, fmt);
        }
        if (isZero(a, fmt)) {
            cpu.fpsr |= DZC;
            return inf(negative(a, fmt), fmt);
        }
        if (negative(a, fmt)) {
            return invalid(cpu, fmt);
        }
        if (isInf(a, fmt)) {
            return 0;
        }
        int f = FBITS[fmt];
        int exp = expField(a, fmt);
        long fraction = fracField(a, fmt) << (52 - f);
        if (exp == 0) {
            while ((fraction >>> 51 & 1) == 0) {
                fraction <<= 1;
                exp--;
            }
            fraction = (fraction << 1) & ((1L << 52) - 1);
        }
        int scaled = (exp & 1) == 0 ? (int) (256 | fraction >>> 44) : (int) (128 | fraction >>> 45);
        int bias = (1 << (EBITS[fmt] - 1)) - 1;
        int resultExp = Math.floorDiv(3 * bias - 1 - exp, 2);
        long estimate = rsqrtEstimate(scaled);
        return (long) resultExp << f | (estimate & 0xff) << (f - 8);
    }

    /** FPRecpX (FRECPX): sign and inverted exponent, zero fraction. */
    public static long recpX(Cpu cpu, long x, int fmt) {
        long a = flush(cpu, x, fmt);
        if (isNaN(a, fmt)) {
            return processNaN(cpu, a, fmt);
        }
        int exp = expField(a, fmt);
        long sign = a & signBit(fmt);
        int max = maxExp(fmt);
        return sign | (long) (exp == 0 ? max - 1 : ~exp & max) << FBITS[fmt];
    }

    /** UnsignedRecipEstimate (URECPE). */
    public static long unsignedRecipEstimate(long x) {
        if ((x & 0x8000_0000L) == 0) {
            return 0xffff_ffffL;
        }
        return (long) (recipEstimate((int) (x >>> 23) & 0x1ff) & 0x1ff) << 23;
    }

    /** UnsignedRSqrtEstimate (URSQRTE). */
    public static long unsignedRsqrtEstimate(long x) {
        if ((x & 0xc000_0000L) == 0) {
            return 0xffff_ffffL;
        }
        return (long) (rsqrtEstimate((int) (x >>> 23) & 0x1ff) & 0x1ff) << 23;
    }

    /** FPMax/FPMin, and FPMaxNum/FPMinNum with {@code numeric} (a single quiet NaN loses). */
    public static long maxMin(Cpu cpu, long a, long b, int fmt, boolean max, boolean numeric) {
        a = flush(cpu, a, fmt);
        b = flush(cpu, b, fmt);
        if (numeric) {
            boolean qa = isNaN(a, fmt) && !isSNaN(a, fmt);
            boolean qb = isNaN(b, fmt) && !isSNaN(b, fmt);
            if (qa && !qb) {
                a = inf(max, fmt);
            } else if (qb && !qa) {
                b = inf(max, fmt);
            }
        }
        if (isNaN(a, fmt) || isNaN(b, fmt)) {
            return processNaNs(cpu, a, b, fmt);
        }
        if (isZero(a, fmt) && isZero(b, fmt)) {
            return max ? a & b : a | b;
        }
        int c = compareValues(a, b, fmt);
        return max == (c > 0) ? a : b;
    }

    /** Compares two non-NaN values: -1, 0 or 1. */
    static int compareValues(long a, long b, int fmt) {
        if (isZero(a, fmt) && isZero(b, fmt)) {
            return 0;
        }
        boolean na = negative(a, fmt);
        boolean nb = negative(b, fmt);
        if (na != nb) {
            return na ? -1 : 1;
        }
        long mag = Long.compare(a & (signBit(fmt) - 1), b & (signBit(fmt) - 1));
        return (int) (na ? -mag : mag);
    }

    /** FPCompare as NZCV in bits 31:28; {@code signalling} for FCMPE (IOC on quiet NaNs too). */
    public static int compare(Cpu cpu, long a, long b, int fmt, boolean signalling) {
        a = flush(cpu, a, fmt);
        b = flush(cpu, b, fmt);
        if (isNaN(a, fmt) || isNaN(b, fmt)) {
            if (signalling || isSNaN(a, fmt) || isSNaN(b, fmt)) {
                cpu.fpsr |= IOC;
            }
            return 0x3000_0000;
        }
        int c = compareValues(a, b, fmt);
        return c == 0 ? 0x6000_0000 : c < 0 ? 0x8000_0000 : 0x2000_0000;
    }

    /** Compare for the AdvSIMD FCMxx: equal (op 0), greater-or-equal (1), greater (2); IOC as the Arm ARM. */
    public static boolean compareCondition(Cpu cpu, long a, long b, int fmt, int op) {
        a = flush(cpu, a, fmt);
        b = flush(cpu, b, fmt);
        if (isNaN(a, fmt) || isNaN(b, fmt)) {
            if (op != 0 || isSNaN(a, fmt) || isSNaN(b, fmt)) {
                cpu.fpsr |= IOC;
            }
            return false;
        }
        int c = compareValues(a, b, fmt);
        return op == 0 ? c == 0 : op == 1 ? c >= 0 : c > 0;
    }

    // ---- Rounding to integral and conversions ----

    /** The value of a finite, non-NaN single or double as a double (exact). */
    static double toDouble(long x, int fmt) {
        return fmt == D ? Double.longBitsToDouble(x) : Float.intBitsToFloat((int) x);
    }

    /** Rounds a double to an integral value in the given mode (RN, RP, RM, RZ, RA). */
    static double roundIntegral(double v, int rmode) {
        return switch (rmode) {
            case RN -> Math.rint(v);
            case RP -> Math.ceil(v);
            case RM -> Math.floor(v);
            case RZ -> v < 0 ? Math.ceil(v) : Math.floor(v);
            default -> {
                double t = v < 0 ? Math.ceil(v) : Math.floor(v);
                yield Math.abs(v - t) >= 0.5 ? t + Math.signum(v) : t;
            }
        };
    }

    /** FPRoundInt (FRINTN/P/M/Z/A/I, and FRINTX with {@code exact}). */
    public static long roundInt(Cpu cpu, long a, int fmt, int rmode, boolean exact) {
        a = flush(cpu, a, fmt);
        if (isNaN(a, fmt)) {
            return processNaN(cpu, a, fmt);
        }
        if (isInf(a, fmt) || isZero(a, fmt)) {
            return a;
        }
        double v = toDouble(a, fmt);
        double r = roundIntegral(v, rmode);
        if (exact && r != v) {
            cpu.fpsr |= IXC;
        }
        if (r == 0) {
            return zero(negative(a, fmt), fmt);
        }
        return fmt == D ? Double.doubleToRawLongBits(r) : Float.floatToRawIntBits((float) r) & 0xffff_ffffL;
    }

    /**
     * FPToFixed: a single or double to a signed or unsigned 32/64-bit integer with {@code fbits} fraction bits,
     * saturating with IOC (NaN gives 0 with IOC), IXC when inexact.
     */
    public static long toFixed(Cpu cpu, long a, int fmt, int fbits, boolean unsigned, int size, int rmode) {
        a = flush(cpu, a, fmt);
        double v;
        if (isNaN(a, fmt)) {
            cpu.fpsr |= IOC;
            return 0;
        }
        v = toDouble(a, fmt) * Math.scalb(1.0, fbits);
        double r = roundIntegral(v, rmode);
        double lo = unsigned ? 0 : -Math.scalb(1.0, size - 1);
        double hi = Math.scalb(1.0, unsigned ? size : size - 1);
        if (r < lo || r >= hi) {
            cpu.fpsr |= IOC;
            if (r < lo) {
                return unsigned ? 0 : size == 64 ? Long.MIN_VALUE : Integer.MIN_VALUE & 0xffff_ffffL;
            }
            return unsigned ? (size == 64 ? -1L : 0xffff_ffffL) : size == 64 ? Long.MAX_VALUE : Integer.MAX_VALUE;
        }
        if (r != v) {
            cpu.fpsr |= IXC;
        }
        long result = r >= 0x1p63 ? (long) (r - 0x1p63) ^ Long.MIN_VALUE : (long) r;
        return size == 64 ? result : result & 0xffff_ffffL;
    }

    /** FixedToFP: a signed or unsigned 64-bit integer with {@code fbits} fraction bits, rounded. */
    public static long fromFixed(Cpu cpu, long v, boolean unsigned, int fbits, int fmt, int rmode) {
        if (v == 0) {
            return 0;
        }
        boolean sign = !unsigned && v < 0;
        return round(cpu, sign, sign ? -v : v, -fbits, fmt, rmode);
    }

    /** FPConvert between H, S and D (FCVT), with AHP for half precision. */
    public static long convert(Cpu cpu, long a, int from, int to) {
        return convert(cpu, a, from, to, rmode(cpu));
    }

    /** FPConvert with an explicit rounding mode (round-to-odd for FCVTXN). */
    public static long convert(Cpu cpu, long a, int from, int to, int rmode) {
        if (from == S && to == D && isNormal(a, S)) {
            return Double.doubleToRawLongBits(Float.intBitsToFloat((int) a)); // exact
        }
        if (from == D && to == S && rmode == RN && (cpu.fpcr & FZ) == 0 && (cpu.fpsr & IXC) != 0
                && isNormal(a, D)) {
            float r = (float) Double.longBitsToDouble(a);
            if (Math.abs(r) > Float.MIN_NORMAL && Math.abs(r) <= Float.MAX_VALUE) {
                return Float.floatToRawIntBits(r) & 0xffff_ffffL;
            }
        }
        boolean ahp = (cpu.fpcr & AHP) != 0;
        a = flush(cpu, a, from);
        boolean sign = negative(a, from);
        boolean special = !(from == H && ahp) && expField(a, from) == maxExp(from);
        if (special && fracField(a, from) != 0) {
            if (to == H && ahp) {
                cpu.fpsr |= IOC;
                return zero(sign, to);
            }
            if (isSNaN(a, from)) {
                cpu.fpsr |= IOC;
            }
            if ((cpu.fpcr & DN) != 0) {
                return defaultNaN(to);
            }
            // Keep the sign and the most significant fraction bits; the result is quiet.
            int ff = FBITS[from];
            int ft = FBITS[to];
            long frac = ff >= ft ? fracField(a, from) >>> (ff - ft) : fracField(a, from) << (ft - ff);
            return (sign ? signBit(to) : 0) | (long) maxExp(to) << ft | frac | 1L << (ft - 1);
        }
        if (special) {
            if (to == H && ahp) {
                cpu.fpsr |= IOC;
                return (sign ? signBit(to) : 0) | 0x7fff;
            }
            return inf(sign, to);
        }
        if (isZero(a, from)) {
            return zero(sign, to);
        }
        return round(cpu, sign, mant(a, from), expo(a, from), to, rmode);
    }
}
