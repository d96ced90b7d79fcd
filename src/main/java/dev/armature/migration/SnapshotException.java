package dev.armature.migration;

/** A snapshot that cannot be written or loaded; the message says what was wrong, for the user. */
public final class SnapshotException extends Exception {
    public SnapshotException(String message) {
        super(message);
    }

    public SnapshotException(String message, Throwable cause) {
        super(message, cause);
    }
}
