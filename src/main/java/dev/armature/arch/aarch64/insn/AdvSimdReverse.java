package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.FpAccess;
import dev.armature.arch.aarch64.Simd;

/** REV16, REV32, REV64 (vector): reverse the {@code esize}-bit elements within each container. */
public final class AdvSimdReverse extends SimdFpInsn {
    private final int d;
    private final int n;
    private final int esize;
    private final int container;
    private final boolean q;

    public AdvSimdReverse(String text, int d, int n, int esize, int container, boolean q) {
        super(text);
        this.d = d;
        this.n = n;
        this.esize = esize;
        this.container = container;
        this.q = q;
    }

    @Override
    public void exec(Cpu cpu) {
        FpAccess.check(cpu);
        long lo = reverse(cpu.v[2 * n]);
        long hi = q ? reverse(cpu.v[2 * n + 1]) : 0;
        cpu.v[2 * d] = lo;
        cpu.v[2 * d + 1] = hi;
    }

    private long reverse(long x) {
        long r = 0;
        int per = container / esize;
        for (int i = 0; i < 64 / esize; i++) {
            int j = (i / per) * per + (per - 1 - i % per);
            r |= Simd.place(Simd.lane(x, 0, j, esize), i, esize);
        }
        return r;
    }
}
