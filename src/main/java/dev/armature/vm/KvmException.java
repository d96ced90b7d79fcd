package dev.armature.vm;

/**
 * The one exception the VM API throws for a refused call: the {@link Errno} Linux KVM would set for the same
 * call in the same state, and a message saying what was wrong. A refused call leaves the VM as it was
 * (the exceptions KVM itself makes are documented on the method concerned).
 */
public final class KvmException extends RuntimeException {
    private final Errno errno;

    /** @param message what was wrong, for a person to read (the errno is prefixed to it) */
    public KvmException(Errno errno, String message) {
        super(errno + ": " + message);
        this.errno = errno;
    }

    /** The errno KVM would have set. */
    public Errno errno() {
        return errno;
    }
}
