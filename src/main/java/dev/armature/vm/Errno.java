package dev.armature.vm;

/** The Linux error numbers the VM API reports, with their numeric values (asm-generic/errno-base.h). */
public enum Errno {
    ENOENT(2),
    ENXIO(6),
    E2BIG(7),
    ENOEXEC(8),
    EBADF(9),
    ENOMEM(12),
    EFAULT(14),
    EBUSY(16),
    EEXIST(17),
    ENODEV(19),
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
