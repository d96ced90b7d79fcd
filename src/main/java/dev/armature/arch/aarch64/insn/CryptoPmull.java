package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.FpAccess;

/** PMULL/PMULL2 Vd.1Q, Vn.1D, Vm.1D: 64x64-bit carry-less multiplication of the lower or upper halves. */
public final class CryptoPmull extends SimdFpInsn {
    private final int d;
    private final int n;
    private final int m;
    private final int half;

    public CryptoPmull(String text, int d, int n, int m, boolean upper) {
        super(text);
        this.d = d;
        this.n = n;
        this.m = m;
        this.half = upper ? 1 : 0;
    }

    @Override
    public void exec(Cpu cpu) {
        FpAccess.check(cpu);
        long a = cpu.v[2 * n + half];
        long b = cpu.v[2 * m + half];
        long lo = 0;
        long hi = 0;
        for (int i = 0; i < 64; i++) {
            if ((b >>> i & 1) != 0) {
                lo ^= a << i;
                hi ^= i == 0 ? 0 : a >>> (64 - i);
            }
        }
        cpu.v[2 * d] = lo;
        cpu.v[2 * d + 1] = hi;
    }
}
