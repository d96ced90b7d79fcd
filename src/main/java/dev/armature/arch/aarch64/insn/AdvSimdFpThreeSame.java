package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.FpAccess;
import dev.armature.arch.aarch64.Simd;
import dev.armature.arch.aarch64.fp.FpCore;

/**
 * Advanced SIMD three same, floating point (vector, scalar, pairwise) and the FP by-element forms (FMLA, FMLS,
 * FMUL, FMULX by element), single and double precision.
 */
public final class AdvSimdFpThreeSame extends SimdFpInsn {
    /** Element operations. */
    public enum Op {
        FMAXNM, FMLA, FADD, FMULX, FCMEQ, FMAX, FRECPS, FMINNM, FMLS, FSUB, FMIN, FRSQRTS, FMUL, FCMGE, FACGE,
        FDIV, FABD, FCMGT, FACGT
    }

    private final Op op;
    private final int fmt;
    private final int d;
    private final int n;
    private final int m;
    private final int esize;
    private final int elements;
    private final boolean pairwise;
    private final int index;

    /** @param index the Vm element used for every lane (by-element forms), or -1 */
    public AdvSimdFpThreeSame(String text, Op op, int fmt, int d, int n, int m, int datasize, boolean pairwise,
            int index) {
        super(text);
        this.op = op;
        this.fmt = fmt;
        this.d = d;
        this.n = n;
        this.m = m;
        this.esize = FpCore.bits(fmt);
        this.elements = datasize / esize;
        this.pairwise = pairwise;
        this.index = index;
    }

    @Override
    public void exec(Cpu cpu) {
        FpAccess.check(cpu);
        long[] v = cpu.v;
        long nlo = v[2 * n];
        long nhi = v[2 * n + 1];
        long mlo = v[2 * m];
        long mhi = v[2 * m + 1];
        long dlo = v[2 * d];
        long dhi = v[2 * d + 1];
        long rlo = 0;
        long rhi = 0;
        for (int i = 0; i < elements; i++) {
            long a;
            long b;
            if (pairwise) {
                int j = 2 * i;
                a = j < elements ? Simd.lane(nlo, nhi, j, esize) : Simd.lane(mlo, mhi, j - elements, esize);
                b = j + 1 < elements ? Simd.lane(nlo, nhi, j + 1, esize)
                        : Simd.lane(mlo, mhi, j + 1 - elements, esize);
            } else {
                a = Simd.lane(nlo, nhi, i, esize);
                b = Simd.lane(mlo, mhi, index < 0 ? i : index, esize);
            }
            long r = apply(op, cpu, a, b, Simd.lane(dlo, dhi, i, esize), fmt);
            if (i * esize < 64) {
                rlo |= Simd.place(r, i, esize);
            } else {
                rhi |= Simd.place(r, i, esize);
            }
        }
        v[2 * d] = rlo;
        v[2 * d + 1] = rhi;
    }

    /** The element operation on a (Vn), b (Vm) and acc (Vd). */
    public static long apply(Op op, Cpu cpu, long a, long b, long acc, int fmt) {
        long sign = 1L << (FpCore.bits(fmt) - 1);
        long ones = FpDataProcessing.mask(fmt);
        return switch (op) {
            case FMAXNM -> FpCore.maxMin(cpu, a, b, fmt, true, true);
            case FMINNM -> FpCore.maxMin(cpu, a, b, fmt, false, true);
            case FMAX -> FpCore.maxMin(cpu, a, b, fmt, true, false);
            case FMIN -> FpCore.maxMin(cpu, a, b, fmt, false, false);
            case FMLA -> FpCore.mulAdd(cpu, acc, a, b, fmt);
            case FMLS -> FpCore.mulAdd(cpu, acc, a ^ sign, b, fmt);
            case FADD -> FpCore.add(cpu, a, b, fmt, false);
            case FSUB -> FpCore.add(cpu, a, b, fmt, true);
            case FABD -> FpCore.add(cpu, a, b, fmt, true) & ~sign;
            case FMUL -> FpCore.mul(cpu, a, b, fmt);
            case FMULX -> FpCore.mulX(cpu, a, b, fmt);
            case FDIV -> FpCore.div(cpu, a, b, fmt);
            case FRECPS -> FpCore.recipStep(cpu, a, b, fmt);
            case FRSQRTS -> FpCore.rsqrtStep(cpu, a, b, fmt);
            case FCMEQ -> FpCore.compareCondition(cpu, a, b, fmt, 0) ? ones : 0;
            case FCMGE -> FpCore.compareCondition(cpu, a, b, fmt, 1) ? ones : 0;
            case FCMGT -> FpCore.compareCondition(cpu, a, b, fmt, 2) ? ones : 0;
            case FACGE -> FpCore.compareCondition(cpu, a & ~sign, b & ~sign, fmt, 1) ? ones : 0;
            case FACGT -> FpCore.compareCondition(cpu, a & ~sign, b & ~sign, fmt, 2) ? ones : 0;
        };
    }
}
