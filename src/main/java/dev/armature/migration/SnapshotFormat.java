package dev.armature.migration;

import java.nio.charset.StandardCharsets;

/**
 * The byte layout of a snapshot stream (big-endian, as {@link java.io.DataOutput} writes):
 * <pre>
 * header   "ARMSNAP\0"  u16 format version  board configuration ({@link BoardConfig})
 * section  u32 kind  u32 instance  u64 length  u32 CRC32C(payload)  payload      (repeated)
 * end      u32 0
 * trailer  "ARMSEND\0"  u32 CRC32C of every byte before the trailer
 * </pre>
 * See {@code docs/migration.md} for each section's payload.
 */
final class SnapshotFormat {
    static final byte[] MAGIC = "ARMSNAP\0".getBytes(StandardCharsets.US_ASCII);
    static final byte[] TRAILER_MAGIC = "ARMSEND\0".getBytes(StandardCharsets.US_ASCII);
    /** Version 2 added the DMA engine to the board configuration and the pl031, dma and ram-pages sections. */
    static final int VERSION = 2;
    /** Version 1 streams (no DMA engine field) still load. */
    static final int OLDEST_VERSION = 1;
    static final int END = 0;
    /** Bytes of a section header: kind, instance, length, CRC. */
    static final int SECTION_HEADER = 4 + 4 + 8 + 4;
    static final int TRAILER = 8 + 4;

    private SnapshotFormat() {
    }
}
