package dev.armature.vm;

/** The Linux error numbers the VM API reports, with their numeric values (asm-generic/errno-base.h). */
public enum Errno {
    /** No such entry (a register the vCPU does not have). */
    ENOENT(2),
    /** No such device or address (a vGIC resource not set). */
    ENXIO(6),
    /** Too many (vCPUs for the vGIC version). */
    E2BIG(7),
    /** Not initialised (a vCPU before KVM_ARM_VCPU_INIT). */
    ENOEXEC(8),
    /** Closed (the VM or a device). */
    EBADF(9),
    /** Out of memory. */
    ENOMEM(12),
    /** Bad address (a null argument, memory that is not there). */
    EFAULT(14),
    /** Busy (a vCPU runs, or already ran). */
    EBUSY(16),
    /** Exists already (an id, an overlapping mapping). */
    EEXIST(17),
    /** No such device type. */
    ENODEV(19),
    /** Invalid argument. */
    EINVAL(22);

    private final int value;

    Errno(int value) {
        this.value = value;
    }

    /** The Linux numeric value, as {@code errno} would hold it after a failed ioctl. */
    public int value() {
        return value;
    }
}
