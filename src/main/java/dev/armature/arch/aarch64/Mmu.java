package dev.armature.arch.aarch64;

/**
 * Stage-1 address translation for the current regime (EL1&amp;0, or EL2 when executing at EL2) and the AT
 * instructions. Stage 2 is not implemented: with EL2 present, HCR_EL2.VM is stored but ignored.
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
            throw cpu.memory.abort(va, kind, fsc);
        }
        return walker.pa;
    }

    /** The walk behind the last successful {@link #translate}: for filling the TLB. */
    PageTableWalker lastWalk() {
        return walker;
    }

    /**
     * AT S1E{0,1,2}{R,W}: translates without taking an exception and returns the PAR_EL1 value, laid out as QEMU
     * 7.2 reports it. Success: ATTR[63:56] (MAIR byte; 0 with the MMU off), PA[47:12], bit 11 RES1, NS[9]=1 (the
     * non-secure state is the only one), SH[8:7] as in the descriptor (0 with the MMU off). Failure: F=1,
     * FST[6:1], PTW=0 and S=0 (stage 1), bit 11 RES1.
     */
    public long addressTranslate(Cpu cpu, long va, boolean write, int accessEl, boolean el2) {
        int fsc = walker.walk(cpu, va, write ? CpuMemory.WRITE : CpuMemory.READ, accessEl, el2);
        if (fsc != PageTableWalker.OK) {
            return 1L << 11 | (long) fsc << 1 | 1;
        }
        return (long) walker.attr << 56 | (walker.pa & 0x0000_ffff_ffff_f000L) | 1L << 11 | 1L << 9
                | (long) walker.shareability << 7;
    }
}
