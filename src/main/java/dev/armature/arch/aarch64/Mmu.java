package dev.armature.arch.aarch64;

/**
 * Address translation for the current regime (EL1&amp;0 with stage 2 when HCR_EL2.VM enables it, or EL2 when
 * executing at EL2) and the AT instructions.
 */
public final class Mmu {
    private final PageTableWalker walker = new PageTableWalker();

    /** Translates {@code va} for an access of the given kind at the current EL, or throws the abort it takes. */
    public long translate(Cpu cpu, long va, int kind) {
        return translate(cpu, va, kind, cpu.el);
    }

    /**
     * Translates with the permissions of {@code accessEl} (0 for unprivileged LDTR/STTR at EL1) in the current
     * regime.
     */
    public long translate(Cpu cpu, long va, int kind, int accessEl) {
        int fsc = walker.walk(cpu, va, kind, accessEl, cpu.el == 2);
        if (fsc != PageTableWalker.OK) {
            throw walker.stage2Fault ? cpu.memory.stage2Abort(va, kind, fsc, walker.s1ptw, walker.faultIpa)
                    : cpu.memory.abort(va, kind, fsc);
        }
        return walker.pa;
    }

    /** The walk behind the last successful {@link #translate}: for filling the TLB. */
    PageTableWalker lastWalk() {
        return walker;
    }

    /**
     * AT S1E{0,1,2}{R,W} and S12E{0,1}{R,W}: translates without taking an exception and returns the PAR_EL1 value,
     * laid out as QEMU 7.2 reports it. Success: ATTR[63:56] (MAIR byte; 0 with the MMU off), PA[47:12], bit 11
     * RES1, NS[9]=1 (the non-secure state is the only one), SH[8:7] as in the descriptor (0 with the MMU off).
     * Failure: F=1, FST[6:1], PTW[8] (stage-2 fault on the stage-1 walk), S[9] (stage-2 fault), bit 11 RES1.
     *
     * <p>{@code stage2}: S12E* with stage 2 enabled, the result is the PA. Otherwise (S1E*) the result is the
     * IPA, yet with stage 2 enabled the stage-1 walk's table accesses still go through stage 2, and a stage-2
     * fault there is not reported in PAR: it is taken to EL2 as an exception.
     */
    public long addressTranslate(Cpu cpu, long va, boolean write, int accessEl, boolean el2, boolean stage2) {
        int kind = write ? CpuMemory.WRITE : CpuMemory.READ;
        boolean walkStage2 = !el2 && Stage2Walker.enabled(cpu);
        int fsc = walker.walk(cpu, va, kind, accessEl, el2, walkStage2, walkStage2 && stage2);
        if (fsc != PageTableWalker.OK) {
            if (walker.stage2Fault) {
                if (!stage2) {
                    throw cpu.memory.stage2Abort(va, kind, fsc, true, walker.faultIpa);
                }
                return 1L << 11 | 1L << 9 | (walker.s1ptw ? 1L << 8 : 0) | (long) fsc << 1 | 1;
            }
            return 1L << 11 | (long) fsc << 1 | 1;
        }
        return (long) walker.attr << 56 | (walker.pa & 0x0000_ffff_ffff_f000L) | 1L << 11 | 1L << 9
                | (long) walker.shareability << 7;
    }
}
