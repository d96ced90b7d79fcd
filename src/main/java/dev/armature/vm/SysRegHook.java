package dev.armature.vm;

/**
 * Called for each MRS/MSR that passes the architecture's access checks (a trapped or UNDEFINED access is an
 * exception instead: see {@link InterruptHook}).
 */
@FunctionalInterface
public interface SysRegHook {
    /**
     * One MRS or MSR by {@code vcpu}.
     *
     * @param register the register, as a {@link Reg#sysreg} id ({@link Reg#name()} gives its Arm ARM name)
     * @param read     true for MRS (after the read), false for MSR (before the write)
     * @param value    the value read, or about to be written
     */
    void onAccess(Vcpu vcpu, Reg register, boolean read, long value);
}
