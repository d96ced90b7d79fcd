package dev.armature.migration;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * A snapshot stream read and checked as a whole: magic, format version, every section's length and CRC32C, the
 * end marker and the trailer's checksum of the whole stream. Nothing of a VM is touched here; a stream that
 * parses is then decoded section by section (still without touching the VM) before anything is applied.
 */
public final class Snapshot {
    /** One section: its kind, instance and checked payload. */
    public record Section(SectionId id, int instance, byte[] payload) {
        public DataInputStream input() {
            return new DataInputStream(new ByteArrayInputStream(payload));
        }

        /** The section's name in messages, e.g. {@code cpu 2}. */
        public String name() {
            return id.label() + " " + instance;
        }
    }

    private final BoardConfig config;
    private final List<Section> sections;

    private Snapshot(BoardConfig config, List<Section> sections) {
        this.config = config;
        this.sections = sections;
    }

    public BoardConfig config() {
        return config;
    }

    public List<Section> sections() {
        return Collections.unmodifiableList(sections);
    }

    /** The sections of one kind, in stream order. */
    public List<Section> sections(SectionId id) {
        return sections.stream().filter(s -> s.id == id).toList();
    }

    /** The one section of kind {@code id} and {@code instance}; throws if the stream lacks it. */
    public Section require(SectionId id, int instance) throws SnapshotException {
        for (Section s : sections) {
            if (s.id == id && s.instance == instance) {
                return s;
            }
        }
        throw new SnapshotException("snapshot has no " + id.label() + " " + instance + " section");
    }

    /** Reads and checks the snapshot file at {@code path}. */
    public static Snapshot read(Path path) throws SnapshotException {
        try {
            long size = Files.size(path);
            if (size > Integer.MAX_VALUE - 16) {
                throw new SnapshotException(path + ": snapshots over 2 GiB are not supported yet");
            }
            return parse(Files.readAllBytes(path));
        } catch (NoSuchFileException e) {
            throw new SnapshotException(path + ": no such file");
        } catch (IOException e) {
            throw new SnapshotException(path + ": " + e.getMessage(), e);
        }
    }

    /** Parses and checks a whole stream. */
    public static Snapshot parse(byte[] bytes) throws SnapshotException {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        int magicLength = SnapshotFormat.MAGIC.length;
        if (bytes.length < magicLength + 2
                || !Arrays.equals(bytes, 0, magicLength, SnapshotFormat.MAGIC, 0, magicLength)) {
            throw new SnapshotException("not an Armature snapshot (bad magic)");
        }
        in.position(magicLength);
        int version = in.getShort() & 0xffff;
        if (version != SnapshotFormat.VERSION) {
            throw new SnapshotException("snapshot format version " + version + " is not supported (this build reads "
                    + SnapshotFormat.VERSION + ")");
        }
        BoardConfig config;
        try {
            DataInputStream header = new DataInputStream(new ByteArrayInputStream(bytes, in.position(),
                    bytes.length - in.position()));
            int before = header.available();
            config = BoardConfig.read(header);
            in.position(in.position() + before - header.available());
        } catch (IOException e) {
            throw new SnapshotException("snapshot is corrupt or truncated (in the header)");
        }
        List<Section> sections = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        while (true) {
            if (in.remaining() < 4) {
                throw new SnapshotException("snapshot is truncated (after " + sections.size() + " sections)");
            }
            int kind = in.getInt();
            if (kind == SnapshotFormat.END) {
                break;
            }
            SectionId id = SectionId.of(kind);
            if (id == null) {
                throw new SnapshotException("snapshot is corrupt: unknown section kind " + kind + " at offset "
                        + (in.position() - 4));
            }
            if (in.remaining() < SnapshotFormat.SECTION_HEADER - 4) {
                throw new SnapshotException("snapshot is truncated (in the header of a " + id.label() + " section)");
            }
            int instance = in.getInt();
            long length = in.getLong();
            int crc = in.getInt();
            String name = id.label() + " " + instance;
            if (length < 0 || length > in.remaining()) {
                throw new SnapshotException("snapshot is truncated (section " + name + " needs " + length
                        + " bytes, " + in.remaining() + " left)");
            }
            byte[] payload = new byte[(int) length];
            in.get(payload);
            CRC32C check = new CRC32C();
            check.update(payload);
            if ((int) check.getValue() != crc) {
                throw new SnapshotException("snapshot is corrupt: section " + name + " fails its checksum");
            }
            if (!seen.add(name)) {
                throw new SnapshotException("snapshot is corrupt: section " + name + " appears twice");
            }
            sections.add(new Section(id, instance, payload));
        }
        int covered = in.position();
        if (in.remaining() < SnapshotFormat.TRAILER) {
            throw new SnapshotException("snapshot is truncated (the trailer is missing)");
        }
        byte[] trailer = new byte[SnapshotFormat.TRAILER_MAGIC.length];
        in.get(trailer);
        if (!Arrays.equals(trailer, SnapshotFormat.TRAILER_MAGIC)) {
            throw new SnapshotException("snapshot is corrupt: bad trailer");
        }
        CRC32C whole = new CRC32C();
        whole.update(bytes, 0, covered);
        if ((int) whole.getValue() != in.getInt()) {
            throw new SnapshotException("snapshot is corrupt: the stream checksum does not match");
        }
        if (in.hasRemaining()) {
            throw new SnapshotException("snapshot is corrupt: " + in.remaining() + " bytes after the trailer");
        }
        return new Snapshot(config, sections);
    }
}
