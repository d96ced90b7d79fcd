package dev.armature.iommu;

/**
 * Memory as one device sees it: byte transfers at device addresses, translated through the device's VCM
 * (one-to-one, SMMU context, or the VMM's view). Device models reach memory only through this; obtain it from an
 * {@link Association#memory()}.
 *
 * <p>A transfer that crosses mappings is split; if a later part faults and the fault hook terminates the
 * transaction, the earlier parts have already been transferred (as on a bus) and {@link DmaFault} is thrown.
 * Multi-byte values are little-endian.
 */
public interface DeviceMemory {
    /** Copies {@code length} bytes at {@code deviceAddress} into {@code dst[offset..]}. */
    void read(long deviceAddress, byte[] dst, int offset, int length);

    /** Copies {@code src[offset..offset+length)} to {@code deviceAddress}. */
    void write(long deviceAddress, byte[] src, int offset, int length);

    /** Reads a {@code size}-byte (1..8) little-endian value, zero-extended. */
    default long read(long deviceAddress, int size) {
        byte[] b = new byte[size];
        read(deviceAddress, b, 0, size);
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
            v = (v << 8) | (b[i] & 0xff);
        }
        return v;
    }

    /** Writes the low {@code size} (1..8) bytes of {@code value}, little-endian. */
    default void write(long deviceAddress, int size, long value) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (value >>> (8 * i));
        }
        write(deviceAddress, b, 0, size);
    }
}
