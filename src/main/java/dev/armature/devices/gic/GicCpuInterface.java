package dev.armature.devices.gic;

/**
 * One vCPU's GIC CPU interface as its system registers reach it. {@code SysRegs} forwards every MRS/MSR whose
 * key {@link IccRegisters#isIcc} accepts to {@link #readSysReg}/{@link #writeSysReg}, on the vCPU's own thread.
 * With GICv2 there is no system-register interface: both methods raise UNDEFINED, as on QEMU where
 * ID_AA64PFR0_EL1.GIC is 0.
 */
public interface GicCpuInterface {
    /** Whether the ICC_* system registers exist: the value of ID_AA64PFR0_EL1.GIC (bits 27:24) is 1 if so. */
    boolean hasSystemRegisters();

    /**
     * MRS of an ICC_* register, key as {@code SysRegs.key(op0, op1, crn, crm, op2)}.
     *
     * @throws dev.armature.arch.aarch64.SyncException UNDEFINED for EL0, unknown or write-only registers
     */
    long readSysReg(int key);

    /**
     * MSR of an ICC_* register.
     *
     * @throws dev.armature.arch.aarch64.SyncException UNDEFINED for EL0, unknown or read-only registers
     */
    void writeSysReg(int key, long value);
}
