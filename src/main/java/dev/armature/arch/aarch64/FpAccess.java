package dev.armature.arch.aarch64;

/**
 * The FP/AdvSIMD access check every FP, AdvSIMD and SIMD&amp;FP load/store instruction makes before touching the
 * V registers: CPACR_EL1.FPEN (bits 21:20) can trap such instructions at EL0 and EL1 (Arm ARM D19.2.30).
 * EL2 traps (CPTR_EL2) are not modelled: EL2 is not implemented yet.
 */
public final class FpAccess {
    private FpAccess() {
    }

    /** Throws the FP access trap (EC 0x07, ISS 0, ELR = this instruction) if FPEN disables FP at the current EL. */
    public static void check(Cpu cpu) {
        int fpen = (int) (cpu.sys.cpacrEl1 >>> 20) & 3;
        // 0b11: no trap; 0b01: trap EL0 only; 0b00 and 0b10: trap EL0 and EL1.
        if (fpen != 3 && cpu.el <= 1 && (fpen != 1 || cpu.el == 0)) {
            throw new SyncException(Esr.EC_FP_ACCESS, 0, 0, false, cpu.pc);
        }
    }
}
