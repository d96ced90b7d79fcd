package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.FpAccess;

/** TBL and TBX with a table of 1 to 4 consecutive registers (wrapping from V31 to V0). */
public final class AdvSimdTableLookup extends SimdFpInsn {
    private final int d;
    private final int n;
    private final int m;
    private final int regs;
    private final boolean extension;
    private final boolean q;

    public AdvSimdTableLookup(String text, int d, int n, int m, int regs, boolean extension, boolean q) {
        super(text);
        this.d = d;
        this.n = n;
        this.m = m;
        this.regs = regs;
        this.extension = extension;
        this.q = q;
    }

    @Override
    public void exec(Cpu cpu) {
        FpAccess.check(cpu);
        long[] v = cpu.v;
        long lo = lookup(v, v[2 * m], v[2 * d]);
        long hi = q ? lookup(v, v[2 * m + 1], v[2 * d + 1]) : 0;
        v[2 * d] = lo;
        v[2 * d + 1] = hi;
    }

    private long lookup(long[] v, long indices, long old) {
        long r = 0;
        for (int i = 0; i < 8; i++) {
            int index = (int) (indices >>> (8 * i)) & 0xff;
            long b;
            if (index < 16 * regs) {
                int reg = (n + index / 16) & 31;
                b = (v[2 * reg + ((index >>> 3) & 1)] >>> (8 * (index & 7))) & 0xff;
            } else {
                b = extension ? (old >>> (8 * i)) & 0xff : 0;
            }
            r |= b << (8 * i);
        }
        return r;
    }
}
