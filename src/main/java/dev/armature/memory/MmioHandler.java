package dev.armature.memory;

/**
 * A device's register window. Offsets are relative to the region base; sizes are 1, 2, 4 or 8 bytes.
 * Implementations are called from vCPU threads and must do their own locking.
 */
public interface MmioHandler {
    /** A read of {@code size} bytes at {@code offset}: returns the value, zero-extended. */
    long read(long offset, int size);

    /** A write of the low {@code size} bytes of {@code value} at {@code offset}. */
    void write(long offset, int size, long value);
}
