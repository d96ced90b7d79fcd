package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.FpAccess;
import dev.armature.arch.aarch64.Simd;

/**
 * Advanced SIMD across lanes, integer: ADDV, SMAXV, UMAXV, SMINV, UMINV, SADDLV, UADDLV; also the scalar
 * pairwise ADDP Dd, Vn.2D (a reduction over two lanes). The result is a scalar of {@code resultSize} bits.
 */
public final class AdvSimdAcrossLanes extends SimdFpInsn {
    /** Reductions. */
    public enum Op { ADDV, SMAXV, UMAXV, SMINV, UMINV, SADDLV, UADDLV }

    private final Op op;
    private final int d;
    private final int n;
    private final int esize;
    private final int elements;
    private final int resultSize;

    public AdvSimdAcrossLanes(String text, Op op, int d, int n, int esize, int datasize) {
        super(text);
        this.op = op;
        this.d = d;
        this.n = n;
        this.esize = esize;
        this.elements = datasize / esize;
        this.resultSize = op == Op.SADDLV || op == Op.UADDLV ? 2 * esize : esize;
    }

    @Override
    public void exec(Cpu cpu) {
        FpAccess.check(cpu);
        long lo = cpu.v[2 * n];
        long hi = cpu.v[2 * n + 1];
        boolean signed = op == Op.SMAXV || op == Op.SMINV || op == Op.SADDLV;
        long acc = signed ? Simd.slane(lo, hi, 0, esize) : Simd.lane(lo, hi, 0, esize);
        for (int i = 1; i < elements; i++) {
            long e = signed ? Simd.slane(lo, hi, i, esize) : Simd.lane(lo, hi, i, esize);
            acc = switch (op) {
                case ADDV, SADDLV, UADDLV -> acc + e;
                case SMAXV -> Math.max(acc, e);
                case UMAXV -> Math.max(acc, e);
                case SMINV -> Math.min(acc, e);
                case UMINV -> Math.min(acc, e);
            };
        }
        Simd.write64(cpu, d, Simd.place(acc, 0, resultSize));
    }
}
