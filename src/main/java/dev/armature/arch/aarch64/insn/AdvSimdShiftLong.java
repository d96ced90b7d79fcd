package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.FpAccess;
import dev.armature.arch.aarch64.Simd;

/**
 * SSHLL, USHLL (and so SXTL, UXTL) and SHLL: widen the esize-bit elements of one half of Vn (the upper with
 * the "2" forms) to 2*esize bits and shift them left.
 */
public final class AdvSimdShiftLong extends SimdFpInsn {
    private final int d;
    private final int n;
    private final int esize;
    private final boolean upper;
    private final boolean signed;
    private final int shift;

    public AdvSimdShiftLong(String text, int d, int n, int esize, boolean upper, boolean signed, int shift) {
        super(text);
        this.d = d;
        this.n = n;
        this.esize = esize;
        this.upper = upper;
        this.signed = signed;
        this.shift = shift;
    }

    @Override
    public void exec(Cpu cpu) {
        FpAccess.check(cpu);
        long src = cpu.v[2 * n + (upper ? 1 : 0)];
        int wide = 2 * esize;
        int elements = 64 / esize;
        long rlo = 0;
        long rhi = 0;
        for (int i = 0; i < elements; i++) {
            long e = signed ? Simd.slane(src, 0, i, esize) : Simd.lane(src, 0, i, esize);
            long r = e << shift;
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
