package dev.armature.vm;

/**
 * vCPU multiprocessing states with linux/kvm.h's KVM_MP_STATE_* numbers. On arm64 only {@link #RUNNABLE} and
 * {@link #STOPPED} can be set; the others exist so that a caller can name them (and be refused with EINVAL).
 */
public enum MpState {
    RUNNABLE(0),
    UNINITIALIZED(1),
    INIT_RECEIVED(2),
    HALTED(3),
    SIPI_RECEIVED(4),
    STOPPED(5),
    CHECK_STOP(6),
    OPERATING(7),
    LOAD(8),
    AP_RESET_HOLD(9),
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
