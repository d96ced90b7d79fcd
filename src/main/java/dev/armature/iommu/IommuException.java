package dev.armature.iommu;

/**
 * The one exception the VCM and SMMU APIs throw for a refused call: an {@link Errno} saying which kind of misuse
 * it was and a message saying what was wrong. A refused call changes nothing.
 */
public final class IommuException extends RuntimeException {
    /** Linux error numbers (asm-generic/errno-base.h) the VCM manager reports, with their numeric values. */
    public enum Errno {
        /** No such prebuilt VCM, or no such mapping. */
        ENOENT(2),
        /** The handle names an object that was already freed (unreserved, deassociated, freed). */
        EBADF(9),
        /** Not enough device address space or physical memory for the request. */
        ENOMEM(12),
        /** A device access (translation) found nothing mapped. */
        EFAULT(14),
        /** The object is in use: backed, active, still holding reservations or associations. */
        EBUSY(16),
        /** The association or mapping already exists. */
        EEXIST(17),
        /** The device is not ready: an SMMU context not bound to an instance, or not active. */
        ENODEV(19),
        /** Invalid argument: bad size, alignment, attributes, mismatched lengths, wrong device kind. */
        EINVAL(22);

        private final int value;

        Errno(int value) {
            this.value = value;
        }

        /** The Linux numeric value. */
        public int value() {
            return value;
        }
    }

    private final Errno errno;

    public IommuException(Errno errno, String message) {
        super(errno + ": " + message);
        this.errno = errno;
    }

    public Errno errno() {
        return errno;
    }

    static IommuException of(Errno errno, String format, Object... args) {
        return new IommuException(errno, String.format(format, args));
    }
}
