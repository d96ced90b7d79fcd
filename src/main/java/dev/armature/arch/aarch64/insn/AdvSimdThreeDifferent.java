package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.FpAccess;
import dev.armature.arch.aarch64.Simd;

/**
 * Advanced SIMD three different (and the long by-element forms): widening operations on one half of the
 * sources (the upper with the "2" forms) producing 2*esize-bit lanes, the wide forms (xADDW, xSUBW) and the
 * high-narrowing ADDHN, RADDHN, SUBHN, RSUBHN.
 */
public final class AdvSimdThreeDifferent extends SimdFpInsn {
    /** Operations; signedness is a separate flag (SADDL vs UADDL...). */
    public enum Op { ADDL, ADDW, SUBL, SUBW, ABAL, ABDL, MLAL, MLSL, MULL, PMULL, SQDMULL, SQDMLAL, SQDMLSL, ADDHN,
        SUBHN }

    private final Op op;
    private final boolean signed;
    private final boolean round;
    private final int d;
    private final int n;
    private final int m;
    private final int esize;
    private final boolean upper;
    private final int index;
    private final int elements;

    /**
     * @param round the R forms of ADDHN/SUBHN
     * @param index the Vm element used for every lane (by-element forms), or -1
     */
    public AdvSimdThreeDifferent(String text, Op op, boolean signed, boolean round, int d, int n, int m,
            int esize, boolean upper, int index) {
        this(text, op, signed, round, d, n, m, esize, upper, index, 64 / esize);
    }

    /** The scalar forms (SQDMULL, SQDMLAL, SQDMLSL Vd, Vn, Vm or Vm[index]) have one element. */
    public AdvSimdThreeDifferent(String text, Op op, boolean signed, boolean round, int d, int n, int m,
            int esize, boolean upper, int index, int elements) {
        super(text);
        this.op = op;
        this.signed = signed;
        this.round = round;
        this.d = d;
        this.n = n;
        this.m = m;
        this.esize = esize;
        this.upper = upper;
        this.index = index;
        this.elements = elements;
    }

    @Override
    public void exec(Cpu cpu) {
        FpAccess.check(cpu);
        long[] v = cpu.v;
        int wide = 2 * esize;
        if (op == Op.ADDHN || op == Op.SUBHN) {
            long r = 0;
            for (int i = 0; i < elements; i++) {
                long a = Simd.lane(v[2 * n], v[2 * n + 1], i, wide);
                long b = Simd.lane(v[2 * m], v[2 * m + 1], i, wide);
                long s = (op == Op.ADDHN ? a + b : a - b) + (round ? 1L << (esize - 1) : 0);
                r |= Simd.place(s >>> esize, i, esize);
            }
            if (upper) {
                v[2 * d + 1] = r;
            } else {
                Simd.write64(cpu, d, r);
            }
            return;
        }
        int half = upper ? 1 : 0;
        long nsrc = v[2 * n + half];
        long mlo = v[2 * m];
        long mhi = v[2 * m + 1];
        long nlo = v[2 * n];
        long nhi = v[2 * n + 1];
        long dlo = v[2 * d];
        long dhi = v[2 * d + 1];
        long rlo = 0;
        long rhi = 0;
        boolean wideN = op == Op.ADDW || op == Op.SUBW;
        for (int i = 0; i < elements; i++) {
            long a = wideN ? Simd.lane(nlo, nhi, i, wide) : extend(nsrc, 0, i);
            long b = index >= 0 ? extend(mlo, mhi, index) : extend(upper ? mhi : mlo, 0, i);
            long acc = Simd.lane(dlo, dhi, i, wide);
            long r = switch (op) {
                case ADDL, ADDW -> a + b;
                case SUBL, SUBW -> a - b;
                case ABAL -> acc + (a > b ? a - b : b - a);
                case ABDL -> a > b ? a - b : b - a;
                case MLAL -> acc + a * b;
                case MLSL -> acc - a * b;
                case MULL -> a * b;
                case PMULL -> AdvSimdThreeSame.polynomialMultiply(a, b, wide);
                case SQDMULL -> doublingProduct(cpu, a, b);
                case SQDMLAL -> AdvSimdThreeSame.signedSaturatingAdd(cpu, Simd.sx(acc, wide),
                        doublingProduct(cpu, a, b), wide);
                case SQDMLSL -> saturatingSubtract(cpu, Simd.sx(acc, wide), doublingProduct(cpu, a, b), wide);
                case ADDHN, SUBHN -> throw new IllegalStateException();
            };
            if (i * wide < 64) {
                rlo |= Simd.place(r, i, wide);
            } else {
                rhi |= Simd.place(r, i, wide);
            }
        }
        v[2 * d] = rlo;
        v[2 * d + 1] = rhi;
    }

    private long extend(long lo, long hi, int i) {
        return signed ? Simd.slane(lo, hi, i, esize) : Simd.lane(lo, hi, i, esize);
    }

    /** SQDMULL's saturated 2*a*b at 2*esize bits. */
    private long doublingProduct(Cpu cpu, long a, long b) {
        long min = -1L << (esize - 1);
        if (a == min && b == min) {
            cpu.fpsr |= Simd.QC;
            return esize == 32 ? Long.MAX_VALUE : (1L << (2 * esize - 1)) - 1;
        }
        return 2 * a * b;
    }

    private static long saturatingSubtract(Cpu cpu, long a, long b, int size) {
        long r = a - b;
        if (size == 64 && ((a ^ b) & (a ^ r)) < 0) {
            cpu.fpsr |= Simd.QC;
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return Simd.ssat(cpu, r, size);
    }
}
