package dev.armature.arch.aarch64;

/**
 * Stage-1 address translation for the current regime. With SCTLR_EL1.M clear, virtual addresses are
 * physical (flat mapping).
 */
public final class Mmu {
    /** Translates {@code va} for an access of the given kind, or throws the abort the access takes. */
    public long translate(Cpu cpu, long va, int kind) {
        if ((cpu.sys.sctlrEl1 & 1) == 0 || cpu.el > 1) {
            return va;
        }
        throw new UnsupportedOperationException("stage-1 translation (SCTLR_EL1.M=1) is not implemented yet");
    }
}
