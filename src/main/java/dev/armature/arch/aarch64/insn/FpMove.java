package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.FpAccess;

/** FMOV: register to register, general register to/from SIMD&amp;FP register, and scalar immediate. */
public final class FpMove {
    private FpMove() {
    }

    /** FMOV Sd, Sn / Dd, Dn and FMOV Sd/Dd, #imm ({@code n} = -1): the low {@code mask} bits, upper zeroed. */
    public static final class Scalar extends SimdFpInsn {
        private final int d;
        private final int n;
        private final long value;

        /** @param value the immediate, or with n &gt;= 0 the mask of bits kept from Vn */
        public Scalar(String text, int d, int n, long value) {
            super(text);
            this.d = d;
            this.n = n;
            this.value = value;
        }

        @Override
        public void exec(Cpu cpu) {
            FpAccess.check(cpu);
            cpu.v[2 * d] = n < 0 ? value : cpu.v[2 * n] & value;
            cpu.v[2 * d + 1] = 0;
        }
    }

    /** FMOV Wd, Sn / Xd, Dn / Xd, Vn.D[1]: {@code half} selects the 64-bit half, {@code mask} the width. */
    public static final class ToGeneral extends SimdFpInsn {
        private final int rd;
        private final int n;
        private final int half;
        private final long mask;

        public ToGeneral(String text, int rd, int n, int half, long mask) {
            super(text);
            this.rd = rd;
            this.n = n;
            this.half = half;
            this.mask = mask;
        }

        @Override
        public void exec(Cpu cpu) {
            FpAccess.check(cpu);
            cpu.r[rd] = cpu.v[2 * n + half] & mask;
        }
    }

    /** FMOV Sd, Wn / Dd, Xn (upper bits zeroed) and FMOV Vd.D[1], Xn (lower half kept). */
    public static final class FromGeneral extends SimdFpInsn {
        private final int d;
        private final int rn;
        private final boolean top;
        private final long mask;

        public FromGeneral(String text, int d, int rn, boolean top, long mask) {
            super(text);
            this.d = d;
            this.rn = rn;
            this.top = top;
            this.mask = mask;
        }

        @Override
        public void exec(Cpu cpu) {
            FpAccess.check(cpu);
            if (top) {
                cpu.v[2 * d + 1] = cpu.r[rn];
            } else {
                cpu.v[2 * d] = cpu.r[rn] & mask;
                cpu.v[2 * d + 1] = 0;
            }
        }
    }
}
