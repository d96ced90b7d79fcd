package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.FpAccess;
import dev.armature.arch.aarch64.Simd;
import dev.armature.arch.aarch64.fp.FpCore;

/**
 * Advanced SIMD two-register miscellaneous, floating point (vector and scalar), and the FP conversions of the
 * shift-by-immediate group (SCVTF, UCVTF, FCVTZS, FCVTZU with #fbits): element-wise, same element size.
 */
public final class AdvSimdFpTwoRegMisc extends SimdFpInsn {
    /** Element operations. */
    public enum UnaryOp {
        FABS, FNEG, FSQRT, FRINTN, FRINTP, FRINTM, FRINTZ, FRINTA, FRINTX, FRINTI, FCVTS, FCVTU, SCVTF, UCVTF,
        FCMGT0, FCMEQ0, FCMLT0, FCMGE0, FCMLE0, FRECPE, FRSQRTE, FRECPX, URECPE, URSQRTE
    }

    private final UnaryOp op;
    private final int fmt;
    private final int d;
    private final int n;
    private final int esize;
    private final int elements;
    private final int rmode;
    private final int fbits;

    /**
     * @param rmode rounding of FCVTS/FCVTU (FpCore.RN ... RA)
     * @param fbits fraction bits of the fixed-point conversions, else 0
     */
    public AdvSimdFpTwoRegMisc(String text, UnaryOp op, int fmt, int d, int n, int datasize, int rmode, int fbits) {
        super(text);
        this.op = op;
        this.fmt = fmt;
        this.d = d;
        this.n = n;
        this.esize = FpCore.bits(fmt);
        this.elements = datasize / esize;
        this.rmode = rmode;
        this.fbits = fbits;
    }

    @Override
    public void exec(Cpu cpu) {
        FpAccess.check(cpu);
        long nlo = cpu.v[2 * n];
        long nhi = cpu.v[2 * n + 1];
        long rlo = 0;
        long rhi = 0;
        for (int i = 0; i < elements; i++) {
            long r = apply(cpu, Simd.lane(nlo, nhi, i, esize));
            if (i * esize < 64) {
                rlo |= Simd.place(r, i, esize);
            } else {
                rhi |= Simd.place(r, i, esize);
            }
        }
        cpu.v[2 * d] = rlo;
        cpu.v[2 * d + 1] = rhi;
    }

    private long apply(Cpu cpu, long a) {
        long ones = FpDataProcessing.mask(fmt);
        return switch (op) {
            case FABS -> FpDataProcessing.apply(FpDataProcessing.Op1.FABS, cpu, a, fmt);
            case FNEG -> FpDataProcessing.apply(FpDataProcessing.Op1.FNEG, cpu, a, fmt);
            case FSQRT -> FpCore.sqrt(cpu, a, fmt);
            case FRINTN -> FpCore.roundInt(cpu, a, fmt, FpCore.RN, false);
            case FRINTP -> FpCore.roundInt(cpu, a, fmt, FpCore.RP, false);
            case FRINTM -> FpCore.roundInt(cpu, a, fmt, FpCore.RM, false);
            case FRINTZ -> FpCore.roundInt(cpu, a, fmt, FpCore.RZ, false);
            case FRINTA -> FpCore.roundInt(cpu, a, fmt, FpCore.RA, false);
            case FRINTX -> FpCore.roundInt(cpu, a, fmt, FpCore.rmode(cpu), true);
            case FRINTI -> FpCore.roundInt(cpu, a, fmt, FpCore.rmode(cpu), false);
            case FCVTS -> FpCore.toFixed(cpu, a, fmt, fbits, false, esize, rmode);
            case FCVTU -> FpCore.toFixed(cpu, a, fmt, fbits, true, esize, rmode);
            case SCVTF -> FpCore.fromFixed(cpu, Simd.sx(a, esize), false, fbits, fmt, FpCore.rmode(cpu));
            case UCVTF -> FpCore.fromFixed(cpu, a, true, fbits, fmt, FpCore.rmode(cpu));
            case FCMGT0 -> FpCore.compareCondition(cpu, a, 0, fmt, 2) ? ones : 0;
            case FCMGE0 -> FpCore.compareCondition(cpu, a, 0, fmt, 1) ? ones : 0;
            case FCMEQ0 -> FpCore.compareCondition(cpu, a, 0, fmt, 0) ? ones : 0;
            case FCMLE0 -> FpCore.compareCondition(cpu, 0, a, fmt, 1) ? ones : 0;
            case FCMLT0 -> FpCore.compareCondition(cpu, 0, a, fmt, 2) ? ones : 0;
            case FRECPE -> FpCore.recipEstimate(cpu, a, fmt);
            case FRSQRTE -> FpCore.rsqrtEstimate(cpu, a, fmt);
            case FRECPX -> FpCore.recpX(cpu, a, fmt);
            case URECPE -> FpCore.unsignedRecipEstimate(a);
            case URSQRTE -> FpCore.unsignedRsqrtEstimate(a);
        };
    }
}
