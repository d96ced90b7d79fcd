package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.FpAccess;
import dev.armature.arch.aarch64.Simd;

/**
 * Narrowing: XTN, SQXTN, UQXTN, SQXTUN (two-register misc) and the shift-right-narrow family SHRN, RSHRN,
 * SQSHRN, UQSHRN, SQRSHRN, UQRSHRN, SQSHRUN, SQRSHRUN. Each 2*esize-bit source element is shifted right
 * (by 0 for the XTN family), optionally rounded, then truncated or saturated to esize bits. The "2" forms
 * write the upper half of Vd and keep the lower.
 */
public final class AdvSimdNarrow extends SimdFpInsn {
    /** How the shifted element is reduced to esize bits. */
    public enum Sat { TRUNCATE, SIGNED, UNSIGNED, SIGNED_TO_UNSIGNED }

    private final int d;
    private final int n;
    private final int esize;
    private final int elements;
    private final boolean upper;
    private final int shift;
    private final boolean round;
    private final boolean signedSource;
    private final Sat sat;

    public AdvSimdNarrow(String text, int d, int n, int esize, int elements, boolean upper, int shift,
            boolean round, boolean signedSource, Sat sat) {
        super(text);
        this.d = d;
        this.n = n;
        this.esize = esize;
        this.elements = elements;
        this.upper = upper;
        this.shift = shift;
        this.round = round;
        this.signedSource = signedSource;
        this.sat = sat;
    }

    @Override
    public void exec(Cpu cpu) {
        FpAccess.check(cpu);
        long nlo = cpu.v[2 * n];
        long nhi = cpu.v[2 * n + 1];
        int wide = 2 * esize;
        long r = 0;
        for (int i = 0; i < elements; i++) {
            long e = signedSource ? Simd.slane(nlo, nhi, i, wide) : Simd.lane(nlo, nhi, i, wide);
            if (shift > 0) {
                e = round ? AdvSimdThreeSame.roundingShiftRight(e, shift, signedSource)
                        : AdvSimdThreeSame.shiftRight(e, shift, signedSource);
            }
            r |= Simd.place(reduce(cpu, e), i, esize);
        }
        if (upper) {
            cpu.v[2 * d + 1] = r;
        } else {
            Simd.write64(cpu, d, r);
        }
    }

    private long reduce(Cpu cpu, long e) {
        return switch (sat) {
            case TRUNCATE -> e;
            case SIGNED -> Simd.ssat(cpu, e, esize);
            case SIGNED_TO_UNSIGNED -> Simd.usat(cpu, e, esize);
            case UNSIGNED -> {
                long max = (1L << esize) - 1;
                if (Long.compareUnsigned(e, max) > 0) {
                    cpu.fpsr |= Simd.QC;
                    yield max;
                }
                yield e;
            }
        };
    }
}
