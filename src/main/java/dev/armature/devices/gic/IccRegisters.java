package dev.armature.devices.gic;

import java.util.List;

/**
 * Keys of the GICv3 CPU interface system registers implemented ({@code op0<<14 | op1<<11 | CRn<<7 | CRm<<3 |
 * op2}, the same packing as {@code SysRegs.key}). The EL1 registers, and of the EL2 ones (present only when the
 * CPU has EL2) ICC_SRE_EL2 and ICH_HCR_EL2, which a kernel entered at EL2 initialises: the virtual CPU interface
 * (list registers, ICH_VTR_EL2, virtual interrupts) is not modelled. No EL3 registers; with 5 priority bits, only
 * ICC_AP0R0/ICC_AP1R0 of the active priority registers.
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
    public static final int ICC_SRE_EL2 = key(3, 4, 12, 9, 5);
    public static final int ICH_HCR_EL2 = key(3, 4, 12, 11, 0);

    /** How MRS/MSR may access a register: the other direction is UNDEFINED. */
    public enum Direction { READ_ONLY, WRITE_ONLY, READ_WRITE }

    /**
     * One implemented register: name as the Arm ARM spells it, key, access direction, and whether it is an EL2
     * register (it exists only when the CPU has EL2, and is UNDEFINED below EL2).
     */
    public record Register(String name, int key, Direction direction, boolean el2) {
        Register(String name, int key, Direction direction) {
            this(name, key, direction, false);
        }

        public boolean readable() {
            return direction != Direction.WRITE_ONLY;
        }

        public boolean writable() {
            return direction != Direction.READ_ONLY;
        }
    }

    /** Every implemented register, for installing them in a vCPU's system register table. */
    public static final List<Register> ALL = List.of(
            new Register("ICC_PMR_EL1", ICC_PMR_EL1, Direction.READ_WRITE),
            new Register("ICC_IAR0_EL1", ICC_IAR0_EL1, Direction.READ_ONLY),
            new Register("ICC_EOIR0_EL1", ICC_EOIR0_EL1, Direction.WRITE_ONLY),
            new Register("ICC_HPPIR0_EL1", ICC_HPPIR0_EL1, Direction.READ_ONLY),
            new Register("ICC_BPR0_EL1", ICC_BPR0_EL1, Direction.READ_WRITE),
            new Register("ICC_AP0R0_EL1", ICC_AP0R0_EL1, Direction.READ_WRITE),
            new Register("ICC_AP1R0_EL1", ICC_AP1R0_EL1, Direction.READ_WRITE),
            new Register("ICC_DIR_EL1", ICC_DIR_EL1, Direction.WRITE_ONLY),
            new Register("ICC_RPR_EL1", ICC_RPR_EL1, Direction.READ_ONLY),
            new Register("ICC_SGI1R_EL1", ICC_SGI1R_EL1, Direction.WRITE_ONLY),
            new Register("ICC_ASGI1R_EL1", ICC_ASGI1R_EL1, Direction.WRITE_ONLY),
            new Register("ICC_SGI0R_EL1", ICC_SGI0R_EL1, Direction.WRITE_ONLY),
            new Register("ICC_IAR1_EL1", ICC_IAR1_EL1, Direction.READ_ONLY),
            new Register("ICC_EOIR1_EL1", ICC_EOIR1_EL1, Direction.WRITE_ONLY),
            new Register("ICC_HPPIR1_EL1", ICC_HPPIR1_EL1, Direction.READ_ONLY),
            new Register("ICC_BPR1_EL1", ICC_BPR1_EL1, Direction.READ_WRITE),
            new Register("ICC_CTLR_EL1", ICC_CTLR_EL1, Direction.READ_WRITE),
            new Register("ICC_SRE_EL1", ICC_SRE_EL1, Direction.READ_WRITE),
            new Register("ICC_IGRPEN0_EL1", ICC_IGRPEN0_EL1, Direction.READ_WRITE),
            new Register("ICC_IGRPEN1_EL1", ICC_IGRPEN1_EL1, Direction.READ_WRITE),
            new Register("ICC_SRE_EL2", ICC_SRE_EL2, Direction.READ_WRITE, true),
            new Register("ICH_HCR_EL2", ICH_HCR_EL2, Direction.READ_WRITE, true));
}
