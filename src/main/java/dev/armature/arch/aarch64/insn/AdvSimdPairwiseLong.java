package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.FpAccess;
import dev.armature.arch.aarch64.Simd;

/** SADDLP, UADDLP, SADALP, UADALP: add adjacent esize-bit pairs into 2*esize-bit lanes (accumulating). */
public final class AdvSimdPairwiseLong extends SimdFpInsn {
    private final int d;
    private final int n;
    private final int esize;
    private final int pairs;
    private final boolean signed;
    private final boolean accumulate;

    public AdvSimdPairwiseLong(String text, int d, int n, int esize, int datasize, boolean signed,
            boolean accumulate) {
        super(text);
        this.d = d;
        this.n = n;
        this.esize = esize;
        this.pairs = datasize / (2 * esize);
        this.signed = signed;
        this.accumulate = accumulate;
    }

    @Override
    public void exec(Cpu cpu) {
        FpAccess.check(cpu);
        long lo = cpu.v[2 * n];
        long hi = cpu.v[2 * n + 1];
        long dlo = cpu.v[2 * d];
        long dhi = cpu.v[2 * d + 1];
        int wide = 2 * esize;
        long rlo = 0;
        long rhi = 0;
        for (int i = 0; i < pairs; i++) {
            long a = signed ? Simd.slane(lo, hi, 2 * i, esize) : Simd.lane(lo, hi, 2 * i, esize);
            long b = signed ? Simd.slane(lo, hi, 2 * i + 1, esize) : Simd.lane(lo, hi, 2 * i + 1, esize);
            long r = a + b + (accumulate ? Simd.lane(dlo, dhi, i, wide) : 0);
            if (i * wide < 64) {
                rlo |= Simd.place(r, i, wide);
            } else {
                rhi |= Simd.place(r, i, wide);
            }
        }
        cpu.v[2 * d] = rlo;
        cpu.v[2 * d + 1] = rhi;
    }
}
