package dev.armature.arch.aarch64;

/**
 * The FP/AdvSIMD access check every FP, AdvSIMD and SIMD&amp;FP load/store instruction makes before touching the
 * V registers: CPACR_EL1.FPEN at EL0/EL1, then CPTR_EL2.TFP with EL2 (Arm ARM D19.2.30). The rule lives in
 * {@link SysRegs#checkFpAccess()}, which FPCR/FPSR accesses use too.
 */
public final class FpAccess {
    private FpAccess() {
    }

    /** Throws the FP access trap (EC 0x07, ISS CV=1 COND=0b1110, ELR = this instruction) if FP is disabled. */
    public static void check(Cpu cpu) {
        cpu.sys.checkFpAccess();
    }
}
