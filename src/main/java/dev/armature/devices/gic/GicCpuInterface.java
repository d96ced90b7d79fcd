package dev.armature.devices.gic;

import dev.armature.arch.aarch64.Cpu;

/**
 * One vCPU's GIC CPU interface as its system registers reach it. MRS/MSR of the keys in
 * {@link IccRegisters#ALL} go to {@link #readSysReg}/{@link #writeSysReg}, on the vCPU's own thread, with the
 * executing {@link Cpu} (for the EL check and the address of an UNDEFINED exception).
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
    long readSysReg(Cpu cpu, int key);

    /**
     * MSR of an ICC_* register.
     *
     * @throws dev.armature.arch.aarch64.SyncException UNDEFINED for EL0, unknown or read-only registers
     */
    void writeSysReg(Cpu cpu, int key, long value);
}
