package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.FpAccess;
import dev.armature.arch.aarch64.Simd;
import dev.armature.arch.aarch64.fp.FpCore;

/** Conversions between scalar floating point and general registers, integer and fixed point. */
public final class FpConvertInteger {
    private FpConvertInteger() {
    }

    /** FCVTNS/NU/PS/PU/MS/MU/ZS/ZU/AS/AU Wd/Xd, Sn/Dn and the fixed-point FCVTZS/FCVTZU (rounding fixed). */
    public static final class ToInteger extends SimdFpInsn {
        private final int rd;
        private final int n;
        private final int fmt;
        private final int rmode;
        private final boolean unsigned;
        private final int size;
        private final int fbits;

        public ToInteger(String text, int rd, int n, int fmt, int rmode, boolean unsigned, int size, int fbits) {
            super(text);
            this.rd = rd;
            this.n = n;
            this.fmt = fmt;
            this.rmode = rmode;
            this.unsigned = unsigned;
            this.size = size;
            this.fbits = fbits;
        }

        @Override
        public void exec(Cpu cpu) {
            FpAccess.check(cpu);
            long a = cpu.v[2 * n] & FpDataProcessing.mask(fmt);
            cpu.r[rd] = FpCore.toFixed(cpu, a, fmt, fbits, unsigned, size, rmode);
        }
    }

    /** SCVTF/UCVTF Sd/Dd, Wn/Xn (integer and fixed point), rounding with FPCR's mode. */
    public static final class FromInteger extends SimdFpInsn {
        private final int d;
        private final int rn;
        private final int fmt;
        private final boolean unsigned;
        private final int size;
        private final int fbits;

        public FromInteger(String text, int d, int rn, int fmt, boolean unsigned, int size, int fbits) {
            super(text);
            this.d = d;
            this.rn = rn;
            this.fmt = fmt;
            this.unsigned = unsigned;
            this.size = size;
            this.fbits = fbits;
        }

        @Override
        public void exec(Cpu cpu) {
            FpAccess.check(cpu);
            long x = cpu.r[rn];
            if (size == 32) {
                x = unsigned ? x & 0xffff_ffffL : (int) x;
            }
            Simd.write64(cpu, d, FpCore.fromFixed(cpu, x, unsigned, fbits, fmt, FpCore.rmode(cpu)));
        }
    }
}
