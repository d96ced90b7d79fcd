package dev.armature.migration;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;

/**
 * Reads a snapshot stream incrementally (a file, or live migration's socket): the header on construction, then
 * one checked section per {@link #next} call, then the end marker and the trailer. Each section is returned only
 * once its length and CRC32C check out, so a live destination can apply RAM as it arrives; the whole-stream
 * checksum is known only at the end, so everything else waits for {@link #next} to return null.
 */
public final class SnapshotReader {
    /** Largest section payload accepted: a RAM block ({@link RamState#BLOCK_SIZE}) with its page headers. */
    private static final long MAX_SECTION = RamState.BLOCK_SIZE + (RamState.BLOCK_SIZE / RamState.PAGE_SIZE) * 8 + 64;

    private final Counting counted;
    private final CRC32C streamCrc = new CRC32C();
    private final DataInputStream in;
    private final BoardConfig config;
    private final Set<String> seen = new HashSet<>();
    private int sections;
    private boolean ended;

    /** Reads and checks the header. */
    public SnapshotReader(InputStream source) throws SnapshotException {
        counted = new Counting(source);
        in = new DataInputStream(new CheckedInputStream(counted, streamCrc));
        int magicLength = SnapshotFormat.MAGIC.length;
        byte[] magic;
        int version;
        try {
            magic = in.readNBytes(magicLength);
            if (!Arrays.equals(magic, SnapshotFormat.MAGIC)) {
                throw new SnapshotException("not an Armature snapshot (bad magic)");
            }
            version = in.readUnsignedShort();
        } catch (EOFException e) {
            throw new SnapshotException("not an Armature snapshot (bad magic)");
        } catch (IOException e) {
            throw new SnapshotException("cannot read the snapshot: " + e.getMessage(), e);
        }
        if (version < SnapshotFormat.OLDEST_VERSION || version > SnapshotFormat.VERSION) {
            throw new SnapshotException("snapshot format version " + version + " is not supported (this build reads "
                    + (SnapshotFormat.OLDEST_VERSION == SnapshotFormat.VERSION ? String.valueOf(SnapshotFormat.VERSION)
                    : SnapshotFormat.OLDEST_VERSION + " to " + SnapshotFormat.VERSION) + ")");
        }
        try {
            config = BoardConfig.read(in, version);
        } catch (IOException e) {
            throw new SnapshotException("snapshot is corrupt or truncated (in the header)");
        }
    }

    public BoardConfig config() {
        return config;
    }

    /**
     * The next section, checked; null once the end marker and a good trailer have been read.
     *
     * @throws SnapshotException naming what is wrong (truncated, corrupt, repeated) or why the source failed
     */
    public Snapshot.Section next() throws SnapshotException {
        if (ended) {
            return null;
        }
        int kind;
        try {
            kind = in.readInt();
        } catch (EOFException e) {
            throw new SnapshotException("snapshot is truncated (after " + sections + " sections)");
        } catch (IOException e) {
            throw readError(e);
        }
        if (kind == SnapshotFormat.END) {
            readTrailer();
            ended = true;
            return null;
        }
        SectionId id = SectionId.of(kind);
        if (id == null) {
            throw new SnapshotException("snapshot is corrupt: unknown section kind " + kind + " at offset "
                    + (counted.count - 4));
        }
        int instance;
        long length;
        int crc;
        try {
            instance = in.readInt();
            length = in.readLong();
            crc = in.readInt();
        } catch (EOFException e) {
            throw new SnapshotException("snapshot is truncated (in the header of a " + id.label() + " section)");
        } catch (IOException e) {
            throw readError(e);
        }
        String name = id.label() + " " + instance;
        if (length < 0 || length > MAX_SECTION) {
            throw new SnapshotException("snapshot is corrupt: section " + name + " claims " + length + " bytes");
        }
        byte[] payload;
        try {
            payload = in.readNBytes((int) length);
        } catch (IOException e) {
            throw readError(e);
        }
        if (payload.length < length) {
            throw new SnapshotException("snapshot is truncated (section " + name + " needs " + length + " bytes, "
                    + payload.length + " left)");
        }
        CRC32C check = new CRC32C();
        check.update(payload);
        if ((int) check.getValue() != crc) {
            throw new SnapshotException("snapshot is corrupt: section " + name + " fails its checksum");
        }
        if (!seen.add(name)) {
            throw new SnapshotException("snapshot is corrupt: section " + name + " appears twice");
        }
        sections++;
        return new Snapshot.Section(id, instance, payload);
    }

    private void readTrailer() throws SnapshotException {
        int covered = (int) streamCrc.getValue(); // every byte through the end marker
        byte[] trailer;
        try {
            trailer = counted.readNBytes(SnapshotFormat.TRAILER);
        } catch (IOException e) {
            throw readError(e);
        }
        if (trailer.length < SnapshotFormat.TRAILER) {
            throw new SnapshotException("snapshot is truncated (the trailer is missing)");
        }
        if (!Arrays.equals(trailer, 0, SnapshotFormat.TRAILER_MAGIC.length, SnapshotFormat.TRAILER_MAGIC, 0,
                SnapshotFormat.TRAILER_MAGIC.length)) {
            throw new SnapshotException("snapshot is corrupt: bad trailer");
        }
        int saved = ((trailer[8] & 0xff) << 24) | ((trailer[9] & 0xff) << 16) | ((trailer[10] & 0xff) << 8)
                | (trailer[11] & 0xff);
        if (saved != covered) {
            throw new SnapshotException("snapshot is corrupt: the stream checksum does not match");
        }
    }

    private static SnapshotException readError(IOException e) {
        return new SnapshotException("cannot read the snapshot: " + e.getMessage(), e);
    }

    /** Counts the bytes read, for offsets in messages; reads past the trailer are the caller's business. */
    private static final class Counting extends FilterInputStream {
        long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
