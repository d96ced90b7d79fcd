package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.FpAccess;

/** Advanced SIMD three same, bitwise: AND, BIC, ORR, ORN, EOR, BSL, BIT, BIF on whole 64-bit halves. */
public final class AdvSimdLogical extends SimdFpInsn {
    /** The operation, in encoding order (U:size). */
    public enum Op { AND, BIC, ORR, ORN, EOR, BSL, BIT, BIF }

    private final Op op;
    private final int d;
    private final int n;
    private final int m;
    private final boolean q;

    public AdvSimdLogical(String text, Op op, int d, int n, int m, boolean q) {
        super(text);
        this.op = op;
        this.d = d;
        this.n = n;
        this.m = m;
        this.q = q;
    }

    @Override
    public void exec(Cpu cpu) {
        FpAccess.check(cpu);
        long lo = apply(cpu.v[2 * d], cpu.v[2 * n], cpu.v[2 * m]);
        long hi = q ? apply(cpu.v[2 * d + 1], cpu.v[2 * n + 1], cpu.v[2 * m + 1]) : 0;
        cpu.v[2 * d] = lo;
        cpu.v[2 * d + 1] = hi;
    }

    private long apply(long vd, long vn, long vm) {
        return switch (op) {
            case AND -> vn & vm;
            case BIC -> vn & ~vm;
            case ORR -> vn | vm;
            case ORN -> vn | ~vm;
            case EOR -> vn ^ vm;
            case BSL -> (vd & vn) | (~vd & vm);
            case BIT -> (vm & vn) | (~vm & vd);
            case BIF -> (~vm & vn) | (vm & vd);
        };
    }
}
