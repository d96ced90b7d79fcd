package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.FpAccess;
import dev.armature.arch.aarch64.Simd;

/** Advanced SIMD permute: UZP1, UZP2, TRN1, TRN2, ZIP1, ZIP2. */
public final class AdvSimdPermute extends SimdFpInsn {
    /** Permutations, with part = 0 for the "1" and 1 for the "2" forms. */
    public enum Op { UZP, TRN, ZIP }

    private final Op op;
    private final int part;
    private final int d;
    private final int n;
    private final int m;
    private final int esize;
    private final int elements;

    public AdvSimdPermute(String text, Op op, int part, int d, int n, int m, int esize, int datasize) {
        super(text);
        this.op = op;
        this.part = part;
        this.d = d;
        this.n = n;
        this.m = m;
        this.esize = esize;
        this.elements = datasize / esize;
    }

    @Override
    public void exec(Cpu cpu) {
        FpAccess.check(cpu);
        long[] v = cpu.v;
        long nlo = v[2 * n];
        long nhi = v[2 * n + 1];
        long mlo = v[2 * m];
        long mhi = v[2 * m + 1];
        long rlo = 0;
        long rhi = 0;
        int pairs = elements / 2;
        for (int i = 0; i < elements; i++) {
            long e = switch (op) {
                case UZP -> {
                    int j = 2 * i + part;
                    yield j < elements ? Simd.lane(nlo, nhi, j, esize) : Simd.lane(mlo, mhi, j - elements, esize);
                }
                case TRN -> {
                    int j = (i & ~1) + part;
                    yield (i & 1) == 0 ? Simd.lane(nlo, nhi, j, esize) : Simd.lane(mlo, mhi, j, esize);
                }
                case ZIP -> {
                    int j = part * pairs + i / 2;
                    yield (i & 1) == 0 ? Simd.lane(nlo, nhi, j, esize) : Simd.lane(mlo, mhi, j, esize);
                }
            };
            if (i * esize < 64) {
                rlo |= Simd.place(e, i, esize);
            } else {
                rhi |= Simd.place(e, i, esize);
            }
        }
        v[2 * d] = rlo;
        v[2 * d + 1] = rhi;
    }
}
