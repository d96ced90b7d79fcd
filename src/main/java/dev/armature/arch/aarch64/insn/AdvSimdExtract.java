package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.FpAccess;

/** EXT Vd, Vn, Vm, #pos: bytes pos.. of the concatenation Vm:Vn. */
public final class AdvSimdExtract extends SimdFpInsn {
    private final int d;
    private final int n;
    private final int m;
    private final int pos;
    private final boolean q;

    public AdvSimdExtract(String text, int d, int n, int m, int pos, boolean q) {
        super(text);
        this.d = d;
        this.n = n;
        this.m = m;
        this.pos = pos;
        this.q = q;
    }

    @Override
    public void exec(Cpu cpu) {
        FpAccess.check(cpu);
        long[] v = cpu.v;
        if (!q) {
            long r = pos == 0 ? v[2 * n] : (v[2 * n] >>> (8 * pos)) | (v[2 * m] << (64 - 8 * pos));
            v[2 * d] = r;
            v[2 * d + 1] = 0;
            return;
        }
        long lo = window(v, 8 * pos);
        long hi = window(v, 8 * pos + 64);
        v[2 * d] = lo;
        v[2 * d + 1] = hi;
    }

    /** The 64 bits at {@code bit} of the 256-bit concatenation Vm:Vn (only windows within it are asked). */
    private long window(long[] v, int bit) {
        int k = bit >>> 6;
        int s = bit & 63;
        long a = word(v, k);
        return s == 0 ? a : (a >>> s) | (word(v, k + 1) << (64 - s));
    }

    private long word(long[] v, int k) {
        return k < 2 ? v[2 * n + k] : v[2 * m + k - 2];
    }
}
