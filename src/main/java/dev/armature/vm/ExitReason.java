package dev.armature.vm;

/** Why {@link Vcpu#run(long)} or {@link Vcpu#start} returned. */
public enum ExitReason {
    /** The instruction budget ran out (KVM would return with KVM_EXIT_INTR after a signal). */
    BUDGET,
    /** Another thread or a hook asked the vCPU to stop ({@link Vcpu#requestExit()}, {@link Vcpu#stop()}). */
    EXIT_REQUEST,
    /** {@link Vcpu#start}: the PC reached the end address (not executed). */
    END_ADDRESS,
    /** {@link Vcpu#start}: the timeout passed. */
    TIMEOUT,
    /**
     * The vCPU is powered off (mp state STOPPED) and ran nothing. KVM would sleep in KVM_RUN until a PSCI
     * CPU_ON; here the caller's thread decides how to wait.
     */
    POWERED_OFF
}
