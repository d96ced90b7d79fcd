package dev.armature.devices.gic;

import java.util.List;

/**
 * Keys of the GICv3 CPU interface system registers implemented ({@code op0<<14 | op1<<11 | CRn<<7 | CRm<<3 |
 * op2}, the same packing as {@code SysRegs.key}). Only the EL1 registers exist: there is no EL2/EL3 interface
 * (ICC_SRE_EL2, ICH_*) and, with 5 priority bits, only ICC_AP0R0/ICC_AP1R0 of the active priority registers.
 */
public final class IccRegisters {
    private IccRegisters() {
    }

    static int key(int op0, int op1, int crn, int crm, int op2) {
        return op0 << 14 | op1 << 11 | crn << 7 | crm << 3 | op2;
    }

    public static final int ICC_PMR_EL1 = key(3, 0, 4, 6, 0);
    public static final int ICC_IAR0_EL1 = key(3, 0, 12, 8, 0);
    public static final int ICC_EOIR0_EL1 = key(3, 0, 12, 8, 1);
    public static final int ICC_HPPIR0_EL1 = key(3, 0, 12, 8, 2);
    public static final int ICC_BPR0_EL1 = key(3, 0, 12, 8, 3);
    public static final int ICC_AP0R0_EL1 = key(3, 0, 12, 8, 4);
    public static final int ICC_AP1R0_EL1 = key(3, 0, 12, 9, 0);
    public static final int ICC_DIR_EL1 = key(3, 0, 12, 11, 1);
    public static final int ICC_RPR_EL1 = key(3, 0, 12, 11, 3);
    public static final int ICC_SGI1R_EL1 = key(3, 0, 12, 11, 5);
    public static final int ICC_ASGI1R_EL1 = key(3, 0, 12, 11, 6);
    public static final int ICC_SGI0R_EL1 = key(3, 0, 12, 11, 7);
    public static final int ICC_IAR1_EL1 = key(3, 0, 12, 12, 0);
    public static final int ICC_EOIR1_EL1 = key(3, 0, 12, 12, 1);
    public static final int ICC_HPPIR1_EL1 = key(3, 0, 12, 12, 2);
    public static final int ICC_BPR1_EL1 = key(3, 0, 12, 12, 3);
    public static final int ICC_CTLR_EL1 = key(3, 0, 12, 12, 4);
    public static final int ICC_SRE_EL1 = key(3, 0, 12, 12, 5);
    public static final int ICC_IGRPEN0_EL1 = key(3, 0, 12, 12, 6);
    public static final int ICC_IGRPEN1_EL1 = key(3, 0, 12, 12, 7);

    /** Every key above. */
    public static final List<Integer> ALL = List.of(ICC_PMR_EL1, ICC_IAR0_EL1, ICC_EOIR0_EL1, ICC_HPPIR0_EL1,
            ICC_BPR0_EL1, ICC_AP0R0_EL1, ICC_AP1R0_EL1, ICC_DIR_EL1, ICC_RPR_EL1, ICC_SGI1R_EL1, ICC_ASGI1R_EL1,
            ICC_SGI0R_EL1, ICC_IAR1_EL1, ICC_EOIR1_EL1, ICC_HPPIR1_EL1, ICC_BPR1_EL1, ICC_CTLR_EL1, ICC_SRE_EL1,
            ICC_IGRPEN0_EL1, ICC_IGRPEN1_EL1);

    /**
     * Whether {@code key} is in the GIC CPU interface's EL1 system register space (op0=3, op1=0, CRn=12,
     * CRm=8..15, or ICC_PMR_EL1): such accesses belong to {@link GicCpuInterface}, which raises UNDEFINED for
     * the ones it does not implement. (CRn=12 with CRm below 8 is VBAR_EL1, ISR_EL1 and friends.)
     */
    public static boolean isIcc(int key) {
        return (key & ~0x3f) == key(3, 0, 12, 8, 0) || key == ICC_PMR_EL1;
    }
}
