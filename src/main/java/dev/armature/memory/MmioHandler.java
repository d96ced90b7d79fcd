package dev.armature.memory;

/**
 * A device's register window. Offsets are relative to the region base; sizes are 1, 2, 4 or 8 bytes.
 * Implementations are called from vCPU threads and must do their own locking.
 */
public interface MmioHandler {
    long read(long offset, int size);

    void write(long offset, int size, long value);
}
