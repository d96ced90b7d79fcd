package dev.armature.devices.pci;

/**
 * One base address register of a {@link PciFunction}: the space it decodes and its size (a power of two); the
 * registers behind it are {@link PciFunction#barRegisters}.
 */
public record PciBar(Space space, int size) {
    /** The address space a BAR decodes; 64-bit memory BARs are not modelled. */
    public enum Space {
        /** A 32-bit, non-prefetchable memory BAR (low bits 0b0000). */
        MEMORY32,
        /** An I/O BAR (low bits 0b01). */
        IO
    }

    public PciBar {
        if (Integer.bitCount(size) != 1 || size < (space == Space.IO ? 4 : 16)) {
            throw new IllegalArgumentException("a BAR size is a power of two of at least 16 bytes (4 for I/O)");
        }
    }

    /** The read-only type bits in the BAR's low bits. */
    int flags() {
        return space == Space.IO ? 1 : 0;
    }
}
