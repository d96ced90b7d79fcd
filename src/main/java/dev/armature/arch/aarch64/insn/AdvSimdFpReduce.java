package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.FpAccess;
import dev.armature.arch.aarch64.Simd;
import dev.armature.arch.aarch64.fp.FpCore;

/**
 * FP reductions to a scalar: across lanes FMAXNMV, FMINNMV, FMAXV, FMINV (4S) and the scalar pairwise FADDP,
 * FMAXP, FMINP, FMAXNMP, FMINNMP (2S, 2D). The order is the Arm ARM's Reduce: halves reduced recursively.
 */
public final class AdvSimdFpReduce extends SimdFpInsn {
    private final AdvSimdFpThreeSame.Op op;
    private final int fmt;
    private final int d;
    private final int n;
    private final int elements;

    public AdvSimdFpReduce(String text, AdvSimdFpThreeSame.Op op, int fmt, int d, int n, int elements) {
        super(text);
        this.op = op;
        this.fmt = fmt;
        this.d = d;
        this.n = n;
        this.elements = elements;
    }

    @Override
    public void exec(Cpu cpu) {
        FpAccess.check(cpu);
        long lo = cpu.v[2 * n];
        long hi = cpu.v[2 * n + 1];
        int esize = FpCore.bits(fmt);
        long r;
        if (elements == 2) {
            r = pair(cpu, Simd.lane(lo, hi, 0, esize), Simd.lane(lo, hi, 1, esize));
        } else {
            long low = pair(cpu, Simd.lane(lo, hi, 0, esize), Simd.lane(lo, hi, 1, esize));
            long high = pair(cpu, Simd.lane(lo, hi, 2, esize), Simd.lane(lo, hi, 3, esize));
            r = pair(cpu, low, high);
        }
        Simd.write64(cpu, d, r);
    }

    private long pair(Cpu cpu, long a, long b) {
        return AdvSimdFpThreeSame.apply(op, cpu, a, b, 0, fmt);
    }
}
