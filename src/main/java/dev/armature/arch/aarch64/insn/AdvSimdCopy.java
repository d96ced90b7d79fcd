package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Bits;
import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.FpAccess;
import dev.armature.arch.aarch64.Simd;

/** Advanced SIMD copy: DUP (element, general, scalar), INS (element, general), UMOV, SMOV. */
public final class AdvSimdCopy {
    private AdvSimdCopy() {
    }

    /** DUP Vd.T, Vn.Ts[index], and the scalar DUP (MOV) when {@code datasize} equals the element size. */
    public static final class DupElement extends SimdFpInsn {
        private final int d;
        private final int n;
        private final int esize;
        private final int index;
        private final int datasize;

        public DupElement(String text, int d, int n, int esize, int index, int datasize) {
            super(text);
            this.d = d;
            this.n = n;
            this.esize = esize;
            this.index = index;
            this.datasize = datasize;
        }

        @Override
        public void exec(Cpu cpu) {
            FpAccess.check(cpu);
            long e = Simd.lane(cpu.v[2 * n], cpu.v[2 * n + 1], index, esize);
            long r = Bits.replicate(e, esize) & Bits.ones(datasize);
            cpu.v[2 * d] = r;
            cpu.v[2 * d + 1] = datasize == 128 ? r : 0;
        }
    }

    /** DUP Vd.T, Wn/Xn. */
    public static final class DupGeneral extends SimdFpInsn {
        private final int d;
        private final int rn;
        private final int esize;
        private final boolean q;

        public DupGeneral(String text, int d, int rn, int esize, boolean q) {
            super(text);
            this.d = d;
            this.rn = rn;
            this.esize = esize;
            this.q = q;
        }

        @Override
        public void exec(Cpu cpu) {
            FpAccess.check(cpu);
            long r = Bits.replicate(cpu.r[rn], esize);
            cpu.v[2 * d] = r;
            cpu.v[2 * d + 1] = q ? r : 0;
        }
    }

    /** INS Vd.Ts[index], Wn/Xn and INS Vd.Ts[index], Vn.Ts[index2] (source register {@code -1 - n}). */
    public static final class Insert extends SimdFpInsn {
        private final int d;
        private final int src;
        private final boolean fromVector;
        private final int esize;
        private final int dstIndex;
        private final int srcIndex;

        public Insert(String text, int d, int src, boolean fromVector, int esize, int dstIndex, int srcIndex) {
            super(text);
            this.d = d;
            this.src = src;
            this.fromVector = fromVector;
            this.esize = esize;
            this.dstIndex = dstIndex;
            this.srcIndex = srcIndex;
        }

        @Override
        public void exec(Cpu cpu) {
            FpAccess.check(cpu);
            long e = fromVector ? Simd.lane(cpu.v[2 * src], cpu.v[2 * src + 1], srcIndex, esize) : cpu.r[src];
            int bit = dstIndex * esize;
            int w = 2 * d + (bit >>> 6);
            long m = Bits.ones(esize) << (bit & 63);
            cpu.v[w] = (cpu.v[w] & ~m) | ((e << (bit & 63)) & m);
        }
    }

    /** UMOV Wd/Xd, Vn.Ts[index] and SMOV Wd/Xd, Vn.Ts[index]. */
    public static final class Move extends SimdFpInsn {
        private final int rd;
        private final int n;
        private final int esize;
        private final int index;
        private final boolean signed;
        private final boolean x;

        public Move(String text, int rd, int n, int esize, int index, boolean signed, boolean x) {
            super(text);
            this.rd = rd;
            this.n = n;
            this.esize = esize;
            this.index = index;
            this.signed = signed;
            this.x = x;
        }

        @Override
        public void exec(Cpu cpu) {
            FpAccess.check(cpu);
            long lo = cpu.v[2 * n];
            long hi = cpu.v[2 * n + 1];
            long e = signed ? Simd.slane(lo, hi, index, esize) : Simd.lane(lo, hi, index, esize);
            cpu.r[rd] = x ? e : e & 0xffff_ffffL;
        }
    }
}
