package dev.armature.machine;

/** The board cannot boot what it was given (image does not fit in RAM, bad -dtb, ...); the message says why. */
public final class BootException extends Exception {
    /** A refusal that {@code message} explains. */
    public BootException(String message) {
        super(message);
    }
}
