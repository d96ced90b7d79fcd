package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Condition;
import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.FpAccess;
import dev.armature.arch.aarch64.Simd;
import dev.armature.arch.aarch64.fp.FpCore;

/**
 * Scalar floating point data processing on single and double precision: one source (FABS, FNEG, FSQRT,
 * FRINT*, FCVT), two sources (FADD ... FNMUL), three sources (FMADD ... FNMSUB), compares and selects. The
 * arithmetic is {@link FpCore}'s; results are written as scalars (upper bits of Vd zeroed).
 */
public final class FpDataProcessing {
    private FpDataProcessing() {
    }

    /** The bit mask of a value of format {@code fmt}. */
    public static long mask(int fmt) {
        return fmt == FpCore.D ? -1L : (1L << FpCore.bits(fmt)) - 1;
    }

    /** Two-source operations. */
    public enum Op2 { FMUL, FDIV, FADD, FSUB, FMAX, FMIN, FMAXNM, FMINNM, FNMUL }

    /** FMUL, FDIV, FADD, FSUB, FMAX, FMIN, FMAXNM, FMINNM, FNMUL (scalar). */
    public static final class TwoSource extends SimdFpInsn {
        private final Op2 op;
        private final int fmt;
        private final int d;
        private final int n;
        private final int m;

        public TwoSource(String text, Op2 op, int fmt, int d, int n, int m) {
            super(text);
            this.op = op;
            this.fmt = fmt;
            this.d = d;
            this.n = n;
            this.m = m;
        }

        @Override
        public void exec(Cpu cpu) {
            FpAccess.check(cpu);
            long mask = mask(fmt);
            Simd.write64(cpu, d, apply(op, cpu, cpu.v[2 * n] & mask, cpu.v[2 * m] & mask, fmt));
        }
    }

    /** The two-source operation on raw values (shared with the vector forms). */
    public static long apply(Op2 op, Cpu cpu, long a, long b, int fmt) {
        return switch (op) {
            case FMUL -> FpCore.mul(cpu, a, b, fmt);
            case FDIV -> FpCore.div(cpu, a, b, fmt);
            case FADD -> FpCore.add(cpu, a, b, fmt, false);
            case FSUB -> FpCore.add(cpu, a, b, fmt, true);
            case FMAX -> FpCore.maxMin(cpu, a, b, fmt, true, false);
            case FMIN -> FpCore.maxMin(cpu, a, b, fmt, false, false);
            case FMAXNM -> FpCore.maxMin(cpu, a, b, fmt, true, true);
            case FMINNM -> FpCore.maxMin(cpu, a, b, fmt, false, true);
            case FNMUL -> FpCore.mul(cpu, a, b, fmt) ^ (1L << (FpCore.bits(fmt) - 1));
        };
    }

    /** FMADD, FMSUB, FNMADD, FNMSUB: Ra and Rn are negated (FPNeg) as the encoding says, then fused. */
    public static final class ThreeSource extends SimdFpInsn {
        private final int fmt;
        private final int d;
        private final int n;
        private final int m;
        private final int a;
        private final long negateA;
        private final long negateN;

        public ThreeSource(String text, int fmt, int d, int n, int m, int a, boolean negateA, boolean negateN) {
            super(text);
            this.fmt = fmt;
            this.d = d;
            this.n = n;
            this.m = m;
            this.a = a;
            long sign = 1L << (FpCore.bits(fmt) - 1);
            this.negateA = negateA ? sign : 0;
            this.negateN = negateN ? sign : 0;
        }

        @Override
        public void exec(Cpu cpu) {
            FpAccess.check(cpu);
            long mask = mask(fmt);
            long addend = (cpu.v[2 * a] & mask) ^ negateA;
            long op1 = (cpu.v[2 * n] & mask) ^ negateN;
            Simd.write64(cpu, d, FpCore.mulAdd(cpu, addend, op1, cpu.v[2 * m] & mask, fmt));
        }
    }

    /** One-source operations. */
    public enum Op1 { FABS, FNEG, FSQRT, FRINTN, FRINTP, FRINTM, FRINTZ, FRINTA, FRINTX, FRINTI }

    /** FABS, FNEG, FSQRT, FRINTN/P/M/Z/A/X/I (scalar). */
    public static final class OneSource extends SimdFpInsn {
        private final Op1 op;
        private final int fmt;
        private final int d;
        private final int n;

        public OneSource(String text, Op1 op, int fmt, int d, int n) {
            super(text);
            this.op = op;
            this.fmt = fmt;
            this.d = d;
            this.n = n;
        }

        @Override
        public void exec(Cpu cpu) {
            FpAccess.check(cpu);
            Simd.write64(cpu, d, apply(op, cpu, cpu.v[2 * n] & mask(fmt), fmt));
        }
    }

    /** The one-source operation on a raw value (shared with the vector forms). */
    public static long apply(Op1 op, Cpu cpu, long a, int fmt) {
        long sign = 1L << (FpCore.bits(fmt) - 1);
        return switch (op) {
            case FABS -> a & ~sign;
            case FNEG -> a ^ sign;
            case FSQRT -> FpCore.sqrt(cpu, a, fmt);
            case FRINTN -> FpCore.roundInt(cpu, a, fmt, FpCore.RN, false);
            case FRINTP -> FpCore.roundInt(cpu, a, fmt, FpCore.RP, false);
            case FRINTM -> FpCore.roundInt(cpu, a, fmt, FpCore.RM, false);
            case FRINTZ -> FpCore.roundInt(cpu, a, fmt, FpCore.RZ, false);
            case FRINTA -> FpCore.roundInt(cpu, a, fmt, FpCore.RA, false);
            case FRINTX -> FpCore.roundInt(cpu, a, fmt, FpCore.rmode(cpu), true);
            case FRINTI -> FpCore.roundInt(cpu, a, fmt, FpCore.rmode(cpu), false);
        };
    }

    /** FCVT between half, single and double precision. */
    public static final class Convert extends SimdFpInsn {
        private final int from;
        private final int to;
        private final int d;
        private final int n;

        public Convert(String text, int from, int to, int d, int n) {
            super(text);
            this.from = from;
            this.to = to;
            this.d = d;
            this.n = n;
        }

        @Override
        public void exec(Cpu cpu) {
            FpAccess.check(cpu);
            Simd.write64(cpu, d, FpCore.convert(cpu, cpu.v[2 * n] & mask(from), from, to));
        }
    }

    /** FCMP, FCMPE (with {@code m} = -1: compare with +0.0). */
    public static final class Compare extends SimdFpInsn {
        private final int fmt;
        private final int n;
        private final int m;
        private final boolean signalling;

        public Compare(String text, int fmt, int n, int m, boolean signalling) {
            super(text);
            this.fmt = fmt;
            this.n = n;
            this.m = m;
            this.signalling = signalling;
        }

        @Override
        public void exec(Cpu cpu) {
            FpAccess.check(cpu);
            long mask = mask(fmt);
            cpu.setNzcv(FpCore.compare(cpu, cpu.v[2 * n] & mask, m < 0 ? 0 : cpu.v[2 * m] & mask, fmt, signalling));
        }
    }

    /** FCCMP, FCCMPE: compare if the condition holds, else NZCV = #nzcv. */
    public static final class ConditionalCompare extends SimdFpInsn {
        private final int fmt;
        private final int n;
        private final int m;
        private final boolean signalling;
        private final Condition cond;
        private final int nzcv;

        public ConditionalCompare(String text, int fmt, int n, int m, boolean signalling, int cond, int nzcv) {
            super(text);
            this.fmt = fmt;
            this.n = n;
            this.m = m;
            this.signalling = signalling;
            this.cond = Condition.of(cond);
            this.nzcv = nzcv << 28;
        }

        @Override
        public void exec(Cpu cpu) {
            FpAccess.check(cpu);
            if (cond.holds(cpu)) {
                long mask = mask(fmt);
                cpu.setNzcv(FpCore.compare(cpu, cpu.v[2 * n] & mask, cpu.v[2 * m] & mask, fmt, signalling));
            } else {
                cpu.setNzcv(nzcv);
            }
        }
    }

    /** FCSEL. */
    public static final class ConditionalSelect extends SimdFpInsn {
        private final int fmt;
        private final int d;
        private final int n;
        private final int m;
        private final Condition cond;

        public ConditionalSelect(String text, int fmt, int d, int n, int m, int cond) {
            super(text);
            this.fmt = fmt;
            this.d = d;
            this.n = n;
            this.m = m;
            this.cond = Condition.of(cond);
        }

        @Override
        public void exec(Cpu cpu) {
            FpAccess.check(cpu);
            int src = cond.holds(cpu) ? n : m;
            Simd.write64(cpu, d, cpu.v[2 * src] & mask(fmt));
        }
    }
}
