package dev.armature.machine.fdt;

/** A malformed device tree blob; the message says what is wrong. */
public final class FdtException extends RuntimeException {
    public FdtException(String message) {
        super(message);
    }
}
