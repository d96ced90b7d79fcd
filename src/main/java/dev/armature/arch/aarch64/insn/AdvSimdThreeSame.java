package dev.armature.arch.aarch64.insn;

import static dev.armature.arch.aarch64.Simd.sx;

import dev.armature.arch.aarch64.Bits;
import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.FpAccess;
import dev.armature.arch.aarch64.Simd;
import dev.armature.arch.aarch64.Swar;

/**
 * Advanced SIMD three same, integer, element-wise (vector and scalar) and pairwise: the element operation is
 * {@link #apply}; also the by-element forms of the same operations. A scalar form is the vector form with one element and the register's upper bits zeroed.
 */
public final class AdvSimdThreeSame extends SimdFpInsn {
    /** Element operations. */
    public enum Op {
        SHADD, UHADD, SQADD, UQADD, SRHADD, URHADD, SHSUB, UHSUB, SQSUB, UQSUB, CMGT, CMHI, CMGE, CMHS,
        SSHL, USHL, SQSHL, UQSHL, SRSHL, URSHL, SQRSHL, UQRSHL, SMAX, UMAX, SMIN, UMIN, SABD, UABD, SABA, UABA,
        ADD, SUB, CMTST, CMEQ, MLA, MLS, MUL, PMUL, SQDMULH, SQRDMULH
    }

    private final Op op;
    private final int d;
    private final int n;
    private final int m;
    private final int esize;
    private final int elements;
    private final boolean pairwise;
    private final int index;
    /** Whether the operation has a lane-parallel form ({@link #swar}) for this element size. */
    private final boolean lanesInParallel;
    private final long high;
    private final long even;

    /**
     * @param index the Vm element used for every lane (by-element forms: MUL, MLA, MLS, SQDMULH, SQRDMULH),
     *     or -1 for lane-wise operands
     */
    public AdvSimdThreeSame(String text, Op op, int d, int n, int m, int esize, int datasize, boolean pairwise,
            int index) {
        super(text);
        this.op = op;
        this.d = d;
        this.n = n;
        this.m = m;
        this.esize = esize;
        this.elements = datasize / esize;
        this.pairwise = pairwise;
        this.index = index;
        this.lanesInParallel = esize < 64 && index < 0 && switch (op) {
            case ADD, SUB, CMEQ, CMTST, CMHI, CMHS, CMGT, CMGE, UMIN, UMAX, SMIN, SMAX -> true;
            default -> false;
        };
        this.high = esize < 64 ? Swar.high(esize) : 0;
        this.even = esize < 64 ? Long.divideUnsigned(-1L, (1L << esize) + 1) : 0; // the even lanes' bits, e.g. 0x00ff00ff...
    }

    @Override
    public void exec(Cpu cpu) {
        FpAccess.check(cpu);
        long[] v = cpu.v;
        long nlo = v[2 * n];
        long nhi = v[2 * n + 1];
        long mlo = v[2 * m];
        long mhi = v[2 * m + 1];
        if (lanesInParallel) {
            execParallel(v, nlo, nhi, mlo, mhi);
            return;
        }
        if (pairwise) {
            // Operands of the pairwise form: the even and the odd elements of the concatenation Vm:Vn.
            long elo = 0;
            long ehi = 0;
            long olo = 0;
            long ohi = 0;
            for (int i = 0; i < elements; i++) {
                int j = 2 * i;
                long a = j < elements ? Simd.lane(nlo, nhi, j, esize) : Simd.lane(mlo, mhi, j - elements, esize);
                long b = j + 1 < elements ? Simd.lane(nlo, nhi, j + 1, esize)
                        : Simd.lane(mlo, mhi, j + 1 - elements, esize);
                if (i * esize < 64) {
                    elo |= Simd.place(a, i, esize);
                    olo |= Simd.place(b, i, esize);
                } else {
                    ehi |= Simd.place(a, i, esize);
                    ohi |= Simd.place(b, i, esize);
                }
            }
            nlo = elo;
            nhi = ehi;
            mlo = olo;
            mhi = ohi;
        } else if (index >= 0) {
            long b = Simd.lane(mlo, mhi, index, esize);
            mlo = Bits.replicate(b, esize);
            mhi = mlo;
        }
        long lo = half(cpu, nlo, mlo, v[2 * d], Math.min(elements, 64 / esize));
        long hi = elements * esize > 64 ? half(cpu, nhi, mhi, v[2 * d + 1], 64 / esize) : 0;
        v[2 * d] = lo;
        v[2 * d + 1] = hi;
    }

    /** The lane-parallel path, kept small so that the JIT compiles it tightly. */
    private void execParallel(long[] v, long nlo, long nhi, long mlo, long mhi) {
        long h = high;
        if (pairwise) {
            // Each word's even lanes against its odd lanes, the results gathered: Vn's pairs, then Vm's.
            long lo = elements * esize > 64
                    ? pair(nlo, even, h) | pair(nhi, even, h) << 32
                    : pair(nlo, even, h) | pair(mlo, even, h) << 32;
            long hi = elements * esize > 64 ? pair(mlo, even, h) | pair(mhi, even, h) << 32 : 0;
            v[2 * d] = lo;
            v[2 * d + 1] = hi;
            return;
        }
        long lo = swar(op, nlo, mlo, esize, h);
        long hi = elements * esize > 64 ? swar(op, nhi, mhi, esize, h) : 0;
        v[2 * d] = esize * elements < 64 ? lo & ((1L << (esize * elements)) - 1) : lo;
        v[2 * d + 1] = hi;
    }

    private long pair(long w, long even, long h) {
        return Swar.compactEven(swar(op, w & even, w >>> esize & even, esize, h) & even, esize);
    }

    /** The lane-parallel form of ADD, SUB, CMEQ, CMTST, CMHI, CMHS, CMGT, CMGE, UMIN, UMAX, SMIN, SMAX. */
    static long swar(Op op, long a, long b, int esize, long h) {
        return switch (op) {
            case ADD -> Swar.add(a, b, h);
            case SUB -> Swar.sub(a, b, h);
            case CMEQ -> Swar.expand(~Swar.nonZero(a ^ b, h) & h, esize);
            case CMTST -> Swar.expand(Swar.nonZero(a & b, h), esize);
            case CMHI -> Swar.expand(Swar.lessUnsigned(b, a, h), esize);
            case CMHS -> Swar.expand(~Swar.lessUnsigned(a, b, h) & h, esize);
            case CMGT -> Swar.expand(Swar.lessUnsigned(b ^ h, a ^ h, h), esize);
            case CMGE -> Swar.expand(~Swar.lessUnsigned(a ^ h, b ^ h, h) & h, esize);
            case UMIN, UMAX, SMIN, SMAX -> {
                boolean signed = op == Op.SMIN || op == Op.SMAX;
                long less = Swar.expand(signed ? Swar.lessUnsigned(a ^ h, b ^ h, h) : Swar.lessUnsigned(a, b, h),
                        esize);
                yield op == Op.UMIN || op == Op.SMIN ? (a & less) | (b & ~less) : (b & less) | (a & ~less);
            }
            default -> throw new IllegalArgumentException(op.name());
        };
    }

    /** The operation on the first {@code count} elements of one 64-bit half of the operands. */
    private long half(Cpu cpu, long a, long b, long acc, int count) {
        if (esize == 64) {
            return apply(op, cpu, a, b, acc, 64);
        }
        long mask = (1L << esize) - 1;
        long r = 0;
        for (int i = 0, shift = 0; i < count; i++, shift += esize) {
            r |= (apply(op, cpu, a >>> shift & mask, b >>> shift & mask, acc >>> shift & mask, esize) & mask) << shift;
        }
        return r;
    }

    /** The element operation on zero-extended {@code esize}-bit elements a (Vn), b (Vm), acc (Vd). */
    public static long apply(Op op, Cpu cpu, long a, long b, long acc, int esize) {
        return switch (op) {
            case SHADD -> (sx(a, esize) >> 1) + (sx(b, esize) >> 1) + (a & b & 1);
            case UHADD -> (a >>> 1) + (b >>> 1) + (a & b & 1);
            case SRHADD -> (sx(a, esize) >> 1) + (sx(b, esize) >> 1) + ((a | b) & 1);
            case URHADD -> (a >>> 1) + (b >>> 1) + ((a | b) & 1);
            case SHSUB -> (sx(a, esize) >> 1) - (sx(b, esize) >> 1) - (~a & b & 1);
            case UHSUB -> (a >>> 1) - (b >>> 1) - (~a & b & 1);
            case SQADD -> signedSaturatingAdd(cpu, sx(a, esize), sx(b, esize), esize);
            case UQADD -> {
                long r = a + b;
                if (esize == 64 ? Long.compareUnsigned(r, a) < 0 : r >>> esize != 0) {
                    cpu.fpsr |= Simd.QC;
                    yield -1L;
                }
                yield r;
            }
            case SQSUB -> {
                long sa = sx(a, esize);
                long sb = sx(b, esize);
                long r = sa - sb;
                if (esize == 64 && ((sa ^ sb) & (sa ^ r)) < 0) {
                    cpu.fpsr |= Simd.QC;
                    yield sa < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
                }
                yield Simd.ssat(cpu, r, esize);
            }
            case UQSUB -> {
                if (Long.compareUnsigned(a, b) < 0) {
                    cpu.fpsr |= Simd.QC;
                    yield 0;
                }
                yield a - b;
            }
            case CMGT -> sx(a, esize) > sx(b, esize) ? -1L : 0;
            case CMHI -> Long.compareUnsigned(a, b) > 0 ? -1L : 0;
            case CMGE -> sx(a, esize) >= sx(b, esize) ? -1L : 0;
            case CMHS -> Long.compareUnsigned(a, b) >= 0 ? -1L : 0;
            case SSHL -> shiftByRegister(cpu, sx(a, esize), b, esize, true, false, false);
            case USHL -> shiftByRegister(cpu, a, b, esize, false, false, false);
            case SRSHL -> shiftByRegister(cpu, sx(a, esize), b, esize, true, true, false);
            case URSHL -> shiftByRegister(cpu, a, b, esize, false, true, false);
            case SQSHL -> shiftByRegister(cpu, sx(a, esize), b, esize, true, false, true);
            case UQSHL -> shiftByRegister(cpu, a, b, esize, false, false, true);
            case SQRSHL -> shiftByRegister(cpu, sx(a, esize), b, esize, true, true, true);
            case UQRSHL -> shiftByRegister(cpu, a, b, esize, false, true, true);
            case SMAX -> Math.max(sx(a, esize), sx(b, esize));
            case UMAX -> Long.compareUnsigned(a, b) >= 0 ? a : b;
            case SMIN -> Math.min(sx(a, esize), sx(b, esize));
            case UMIN -> Long.compareUnsigned(a, b) <= 0 ? a : b;
            case SABD -> absoluteDifference(sx(a, esize), sx(b, esize));
            case UABD -> Long.compareUnsigned(a, b) > 0 ? a - b : b - a;
            case SABA -> acc + absoluteDifference(sx(a, esize), sx(b, esize));
            case UABA -> acc + (Long.compareUnsigned(a, b) > 0 ? a - b : b - a);
            case ADD -> a + b;
            case SUB -> a - b;
            case CMTST -> (a & b) != 0 ? -1L : 0;
            case CMEQ -> a == b ? -1L : 0;
            case MLA -> acc + a * b;
            case MLS -> acc - a * b;
            case MUL -> a * b;
            case PMUL -> polynomialMultiply(a, b, esize);
            case SQDMULH -> doublingMultiplyHigh(cpu, sx(a, esize), sx(b, esize), esize, false);
            case SQRDMULH -> doublingMultiplyHigh(cpu, sx(a, esize), sx(b, esize), esize, true);
        };
    }

    private static long absoluteDifference(long sa, long sb) {
        return sa > sb ? sa - sb : sb - sa;
    }

    /** SQADD on sign-extended operands. */
    static long signedSaturatingAdd(Cpu cpu, long sa, long sb, int esize) {
        long r = sa + sb;
        if (esize == 64 && ((sa ^ r) & (sb ^ r)) < 0) {
            cpu.fpsr |= Simd.QC;
            return sa < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return Simd.ssat(cpu, r, esize);
    }

    /** Carry-less product of two {@code esize}-bit polynomials, low {@code esize} bits (PMUL). */
    static long polynomialMultiply(long a, long b, int esize) {
        long r = 0;
        for (int i = 0; i < esize; i++) {
            if ((b >>> i & 1) != 0) {
                r ^= a << i;
            }
        }
        return r;
    }

    /** SQDMULH/SQRDMULH: high half of 2*a*b (rounded), saturating the one overflowing case. */
    static long doublingMultiplyHigh(Cpu cpu, long sa, long sb, int esize, boolean round) {
        long min = -1L << (esize - 1);
        if (sa == min && sb == min) {
            cpu.fpsr |= Simd.QC;
            return ~min;
        }
        long p = 2 * sa * sb + (round ? 1L << (esize - 1) : 0);
        return p >> esize;
    }

    /** Arithmetic (signed) or logical right shift by 0..anything. */
    static long shiftRight(long a, int n, boolean signed) {
        if (n >= 64) {
            return signed ? a >> 63 : 0;
        }
        return signed ? a >> n : a >>> n;
    }

    /** Rounding right shift by {@code n} &gt;= 1: (a + 2^(n-1)) &gt;&gt; n without overflow. */
    static long roundingShiftRight(long a, int n, boolean signed) {
        return shiftRight(a, n, signed) + (shiftRight(a, n - 1, signed) & 1);
    }

    /**
     * Saturating left shift of a sign-extended (signed) or zero-extended element by {@code shift} in 0..255:
     * the SatQ of the unbounded result.
     */
    static long saturatingShiftLeft(Cpu cpu, long a, int shift, int esize, boolean signed) {
        if (a == 0) {
            return 0;
        }
        if (signed) {
            long r = shift >= 63 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : a << shift;
            if (shift >= 63 || r >> shift != a) {
                cpu.fpsr |= Simd.QC;
                return a < 0 ? -1L << (esize - 1) : ~(-1L << (esize - 1));
            }
            return Simd.ssat(cpu, r, esize);
        }
        long max = esize == 64 ? -1L : (1L << esize) - 1;
        if (shift >= esize || (a << shift) >>> shift != a || Long.compareUnsigned(a << shift, max) > 0) {
            cpu.fpsr |= Simd.QC;
            return max;
        }
        return a << shift;
    }

    /** SSHL, USHL, SRSHL, URSHL, SQSHL, UQSHL, SQRSHL, UQRSHL (register): shift is SInt(b&lt;7:0&gt;). */
    static long shiftByRegister(Cpu cpu, long a, long b, int esize, boolean signed, boolean round,
            boolean saturate) {
        int shift = (byte) b;
        if (shift >= 0) {
            if (saturate) {
                return saturatingShiftLeft(cpu, a, shift, esize, signed);
            }
            return shift >= esize ? 0 : a << shift;
        }
        return round ? roundingShiftRight(a, -shift, signed) : shiftRight(a, -shift, signed);
    }
}
