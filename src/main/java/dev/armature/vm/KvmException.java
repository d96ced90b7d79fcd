package dev.armature.vm;

/**
 * The one exception the VM API throws for a refused call: the {@link Errno} Linux KVM would set for the same
 * call in the same state, and a message saying what was wrong. A refused call leaves the VM as it was
 * (the exceptions KVM itself makes are documented on the method concerned).
 */
public final class KvmException extends RuntimeException {
    private final Errno errno;

    public KvmException(Errno errno, String message) {
        super(errno + ": " + message);
        this.errno = errno;
    }

    public Errno errno() {
        return errno;
    }
}
