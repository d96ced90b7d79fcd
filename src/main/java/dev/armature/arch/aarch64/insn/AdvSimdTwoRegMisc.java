package dev.armature.arch.aarch64.insn;

import static dev.armature.arch.aarch64.Simd.sx;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.FpAccess;
import dev.armature.arch.aarch64.Simd;
import dev.armature.arch.aarch64.Swar;

/** Advanced SIMD two-register miscellaneous, integer element-wise operations (vector and scalar forms). */
public final class AdvSimdTwoRegMisc extends SimdFpInsn {
    /** Element operations. */
    public enum Op { CLS, CLZ, CNT, NOT, RBIT, SQABS, SQNEG, CMGT0, CMEQ0, CMLT0, CMGE0, CMLE0, ABS, NEG, SUQADD, USQADD }

    private final Op op;
    private final int d;
    private final int n;
    private final int esize;
    private final int elements;
    /** Whether the operation has a lane-parallel form for this element size. */
    private final boolean lanesInParallel;
    private final long high;

    public AdvSimdTwoRegMisc(String text, Op op, int d, int n, int esize, int datasize) {
        super(text);
        this.op = op;
        this.d = d;
        this.n = n;
        this.esize = esize;
        this.elements = datasize / esize;
        this.lanesInParallel = esize < 64 && datasize >= 64 && switch (op) {
            case CMGT0, CMEQ0, CMLT0, CMGE0, CMLE0, NEG, NOT -> true;
            default -> false;
        };
        this.high = esize < 64 ? Swar.high(esize) : 0;
    }

    @Override
    public void exec(Cpu cpu) {
        FpAccess.check(cpu);
        long[] v = cpu.v;
        long nlo = v[2 * n];
        long nhi = v[2 * n + 1];
        long dlo = v[2 * d];
        long dhi = v[2 * d + 1];
        if (lanesInParallel) {
            v[2 * d] = swar(nlo);
            v[2 * d + 1] = elements * esize > 64 ? swar(nhi) : 0;
            return;
        }
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

    /** The lane-parallel form of CMxx #0, NEG and NOT on one 64-bit half. */
    private long swar(long a) {
        long h = high;
        return switch (op) {
            case CMEQ0 -> Swar.expand(~Swar.nonZero(a, h) & h, esize);
            case CMLT0 -> Swar.expand(a & h, esize);
            case CMGE0 -> Swar.expand(~a & h, esize);
            case CMGT0 -> Swar.expand(Swar.nonZero(a, h) & ~a & h, esize);
            case CMLE0 -> Swar.expand((a | ~Swar.nonZero(a, h)) & h, esize);
            case NEG -> Swar.sub(0, a, h);
            case NOT -> ~a;
            default -> throw new IllegalArgumentException(op.name());
        };
    }

    private long apply(Cpu cpu, long a, long acc) {
        long sa = sx(a, esize);
        long min = -1L << (esize - 1);
        return switch (op) {
            case CLS -> Long.numberOfLeadingZeros(sa ^ (sa >> 63)) - 1 - (64 - esize);
            case CLZ -> Long.numberOfLeadingZeros(a) - (64 - esize);
            case CNT -> Long.bitCount(a);
            case NOT -> ~a;
            case RBIT -> Long.reverse(a) >>> (64 - esize);
            case SQABS, SQNEG -> {
                if (sa == min) {
                    cpu.fpsr |= Simd.QC;
                    yield ~min;
                }
                yield op == Op.SQABS ? Math.abs(sa) : -sa;
            }
            case CMGT0 -> sa > 0 ? -1L : 0;
            case CMEQ0 -> a == 0 ? -1L : 0;
            case CMLT0 -> sa < 0 ? -1L : 0;
            case CMGE0 -> sa >= 0 ? -1L : 0;
            case CMLE0 -> sa <= 0 ? -1L : 0;
            case ABS -> Math.abs(sa);
            case NEG -> -a;
            case SUQADD -> suqadd(cpu, a, acc);
            case USQADD -> usqadd(cpu, sa, acc);
        };
    }

    /** SUQADD: signed accumulator plus unsigned operand, signed saturation. */
    private long suqadd(Cpu cpu, long a, long acc) {
        long sacc = sx(acc, esize);
        if (esize < 64) {
            return Simd.ssat(cpu, sacc + a, esize);
        }
        long r = sacc + a;
        // Overflow iff the unbounded sum exceeds Long.MAX_VALUE: a as unsigned is >= 0.
        if (a < 0 ? sacc >= 0 || r < 0 : sacc >= 0 && r < 0) {
            cpu.fpsr |= Simd.QC;
            return Long.MAX_VALUE;
        }
        return r;
    }

    /** USQADD: unsigned accumulator plus signed operand, unsigned saturation. */
    private long usqadd(Cpu cpu, long sa, long acc) {
        if (esize < 64) {
            return Simd.usat(cpu, acc + sa, esize);
        }
        long r = acc + sa;
        if (sa >= 0 ? Long.compareUnsigned(r, acc) < 0 : Long.compareUnsigned(acc, -sa) < 0) {
            cpu.fpsr |= Simd.QC;
            return sa >= 0 ? -1L : 0;
        }
        return r;
    }
}
