package dev.armature.arch.aarch64.insn;

import static dev.armature.arch.aarch64.Simd.sx;

import dev.armature.arch.aarch64.Bits;
import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.FpAccess;
import dev.armature.arch.aarch64.Simd;

/** Advanced SIMD shift by immediate, same element size (vector and scalar forms). */
public final class AdvSimdShiftImmediate extends SimdFpInsn {
    /** Element operations; the right shifts take 1..esize, the left shifts 0..esize-1. */
    public enum Op { SSHR, USHR, SSRA, USRA, SRSHR, URSHR, SRSRA, URSRA, SRI, SHL, SLI, SQSHL, UQSHL, SQSHLU }

    private final Op op;
    private final int d;
    private final int n;
    private final int esize;
    private final int elements;
    private final int shift;

    public AdvSimdShiftImmediate(String text, Op op, int d, int n, int esize, int datasize, int shift) {
        super(text);
        this.op = op;
        this.d = d;
        this.n = n;
        this.esize = esize;
        this.elements = datasize / esize;
        this.shift = shift;
    }

    @Override
    public void exec(Cpu cpu) {
        FpAccess.check(cpu);
        long[] v = cpu.v;
        long nlo = v[2 * n];
        long nhi = v[2 * n + 1];
        long dlo = v[2 * d];
        long dhi = v[2 * d + 1];
        long rlo = 0;
        long rhi = 0;
        for (int i = 0; i < elements; i++) {
            long r = apply(cpu, Simd.lane(nlo, nhi, i, esize), Simd.lane(dlo, dhi, i, esize));
            if (i * esize < 64) {
                rlo |= Simd.place(r, i, esize);
            } else {
                rhi |= Simd.place(r, i, esize);
            }
        }
        v[2 * d] = rlo;
        v[2 * d + 1] = rhi;
    }

    private long apply(Cpu cpu, long a, long acc) {
        long sa = sx(a, esize);
        return switch (op) {
            case SSHR -> AdvSimdThreeSame.shiftRight(sa, shift, true);
            case USHR -> AdvSimdThreeSame.shiftRight(a, shift, false);
            case SSRA -> acc + AdvSimdThreeSame.shiftRight(sa, shift, true);
            case USRA -> acc + AdvSimdThreeSame.shiftRight(a, shift, false);
            case SRSHR -> AdvSimdThreeSame.roundingShiftRight(sa, shift, true);
            case URSHR -> AdvSimdThreeSame.roundingShiftRight(a, shift, false);
            case SRSRA -> acc + AdvSimdThreeSame.roundingShiftRight(sa, shift, true);
            case URSRA -> acc + AdvSimdThreeSame.roundingShiftRight(a, shift, false);
            case SRI -> {
                long mask = shift >= 64 ? 0 : Bits.ones(esize) >>> shift;
                yield (acc & ~mask) | (AdvSimdThreeSame.shiftRight(a, shift, false) & mask);
            }
            case SHL -> a << shift;
            case SLI -> (acc & ~(Bits.ones(esize) << shift)) | (a << shift);
            case SQSHL -> AdvSimdThreeSame.saturatingShiftLeft(cpu, sa, shift, esize, true);
            case UQSHL -> AdvSimdThreeSame.saturatingShiftLeft(cpu, a, shift, esize, false);
            case SQSHLU -> {
                if (sa < 0) {
                    cpu.fpsr |= Simd.QC;
                    yield 0;
                }
                yield AdvSimdThreeSame.saturatingShiftLeft(cpu, sa, shift, esize, false);
            }
        };
    }
}
