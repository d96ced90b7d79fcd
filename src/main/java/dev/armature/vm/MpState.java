package dev.armature.vm;

/**
 * vCPU multiprocessing states with linux/kvm.h's KVM_MP_STATE_* numbers. On arm64 only {@link #RUNNABLE} and
 * {@link #STOPPED} can be set; the others exist so that a caller can name them (and be refused with EINVAL).
 */
public enum MpState {
    /** KVM_MP_STATE_RUNNABLE. */
    RUNNABLE(0),
    /** KVM_MP_STATE_UNINITIALIZED. */
    UNINITIALIZED(1),
    /** KVM_MP_STATE_INIT_RECEIVED. */
    INIT_RECEIVED(2),
    /** KVM_MP_STATE_HALTED. */
    HALTED(3),
    /** KVM_MP_STATE_SIPI_RECEIVED. */
    SIPI_RECEIVED(4),
    /** KVM_MP_STATE_STOPPED. */
    STOPPED(5),
    /** KVM_MP_STATE_CHECK_STOP. */
    CHECK_STOP(6),
    /** KVM_MP_STATE_OPERATING. */
    OPERATING(7),
    /** KVM_MP_STATE_LOAD. */
    LOAD(8),
    /** KVM_MP_STATE_AP_RESET_HOLD. */
    AP_RESET_HOLD(9),
    /** KVM_MP_STATE_SUSPENDED. */
    SUSPENDED(10);

    private final int number;

    MpState(int number) {
        this.number = number;
    }

    /** The KVM_MP_STATE_* number. */
    public int number() {
        return number;
    }
}
