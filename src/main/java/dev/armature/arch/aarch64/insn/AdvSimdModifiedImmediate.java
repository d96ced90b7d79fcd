package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.FpAccess;

/**
 * Advanced SIMD modified immediate: MOVI, MVNI, ORR, BIC (vector, immediate) and FMOV (vector, immediate).
 * The decoder expands the immediate (AdvSIMDExpandImm), inverting it for MVNI and BIC.
 */
public final class AdvSimdModifiedImmediate extends SimdFpInsn {
    /** What is done with the expanded immediate. */
    public enum Kind { MOVE, ORR, AND }

    private final Kind kind;
    private final int d;
    private final long imm;
    private final boolean q;

    public AdvSimdModifiedImmediate(String text, Kind kind, int d, long imm, boolean q) {
        super(text);
        this.kind = kind;
        this.d = d;
        this.imm = imm;
        this.q = q;
    }

    @Override
    public void exec(Cpu cpu) {
        FpAccess.check(cpu);
        long lo = imm;
        long hi = q ? imm : 0;
        if (kind == Kind.ORR) {
            lo |= cpu.v[2 * d];
            hi |= q ? cpu.v[2 * d + 1] : 0;
        } else if (kind == Kind.AND) {
            lo &= cpu.v[2 * d];
            hi &= cpu.v[2 * d + 1];
        }
        cpu.v[2 * d] = lo;
        cpu.v[2 * d + 1] = hi;
    }
}
