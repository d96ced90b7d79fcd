package dev.armature.migration;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/** Writes a snapshot stream: the header on construction, then sections, then {@link #finish} for the trailer. */
public final class SnapshotWriter {
    /** Writes one section's payload. */
    @FunctionalInterface
    public interface Payload {
        void write(DataOutputStream out) throws IOException;
    }

    private final CRC32C streamCrc = new CRC32C();
    private final DataOutputStream out;
    private long written;

    public SnapshotWriter(OutputStream sink, BoardConfig config) throws IOException {
        this.out = new DataOutputStream(new CheckedOutputStream(sink, streamCrc));
        out.write(SnapshotFormat.MAGIC);
        out.writeShort(SnapshotFormat.VERSION);
        config.write(out);
        written = out.size();
    }

    /** Bytes written so far (header, sections, trailer). */
    public long bytesWritten() {
        return written;
    }

    /** Pushes buffered bytes to the sink (live migration: the end of a pre-copy round). */
    public void flush() throws IOException {
        out.flush();
    }

    public void section(SectionId id, int instance, Payload payload) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DataOutputStream body = new DataOutputStream(buf);
        payload.write(body);
        body.flush();
        section(id, instance, buf.toByteArray());
    }

    /** Writes a section whose payload is ready. */
    public void section(SectionId id, int instance, byte[] bytes) throws IOException {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        out.writeInt(id.number());
        out.writeInt(instance);
        out.writeLong(bytes.length);
        out.writeInt((int) crc.getValue());
        out.write(bytes);
        written += SnapshotFormat.SECTION_HEADER + bytes.length;
    }

    /** Writes the end marker and the trailer, and flushes. */
    public void finish() throws IOException {
        out.writeInt(SnapshotFormat.END);
        out.flush();
        int crc = (int) streamCrc.getValue(); // everything before the trailer
        out.write(SnapshotFormat.TRAILER_MAGIC);
        out.writeInt(crc);
        out.flush();
        written += 4 + SnapshotFormat.TRAILER;
    }
}
