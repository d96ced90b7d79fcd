package dev.armature.vm;

/** Why {@link Vcpu#run(long)} returned. */
public enum ExitReason {
    /** The instruction budget ran out (KVM would return with KVM_EXIT_INTR after a signal). */
    BUDGET,
    /** Another thread asked the vCPU to stop ({@link Vcpu#requestExit()}). */
    EXIT_REQUEST,
    /**
     * The vCPU is powered off (mp state STOPPED) and ran nothing. KVM would sleep in KVM_RUN until a PSCI
     * CPU_ON; here the caller's thread decides how to wait.
     */
    POWERED_OFF
}
