package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.FpAccess;
import dev.armature.arch.aarch64.Simd;
import dev.armature.arch.aarch64.fp.FpCore;

/**
 * FCVTN, FCVTXN (narrow into the lower half, or the upper half keeping the lower with the "2" forms; scalar
 * FCVTXN) and FCVTL (widen one half of Vn).
 */
public final class AdvSimdFpConvertPrecision extends SimdFpInsn {
    private final int from;
    private final int to;
    private final int d;
    private final int n;
    private final int elements;
    private final boolean upper;
    private final boolean roundToOdd;

    public AdvSimdFpConvertPrecision(String text, int from, int to, int d, int n, int elements, boolean upper,
            boolean roundToOdd) {
        super(text);
        this.from = from;
        this.to = to;
        this.d = d;
        this.n = n;
        this.elements = elements;
        this.upper = upper;
        this.roundToOdd = roundToOdd;
    }

    @Override
    public void exec(Cpu cpu) {
        FpAccess.check(cpu);
        int fsize = FpCore.bits(from);
        int tsize = FpCore.bits(to);
        int rmode = roundToOdd ? FpCore.RO : FpCore.rmode(cpu);
        if (tsize < fsize) {
            long lo = cpu.v[2 * n];
            long hi = cpu.v[2 * n + 1];
            long r = 0;
            for (int i = 0; i < elements; i++) {
                r |= Simd.place(FpCore.convert(cpu, Simd.lane(lo, hi, i, fsize), from, to, rmode), i, tsize);
            }
            if (upper) {
                cpu.v[2 * d + 1] = r;
            } else {
                Simd.write64(cpu, d, r);
            }
            return;
        }
        long src = cpu.v[2 * n + (upper ? 1 : 0)];
        long rlo = 0;
        long rhi = 0;
        for (int i = 0; i < elements; i++) {
            long r = FpCore.convert(cpu, Simd.lane(src, 0, i, fsize), from, to, rmode);
            if (i * tsize < 64) {
                rlo |= Simd.place(r, i, tsize);
            } else {
                rhi |= Simd.place(r, i, tsize);
            }
        }
        cpu.v[2 * d] = rlo;
        cpu.v[2 * d + 1] = rhi;
    }
}
