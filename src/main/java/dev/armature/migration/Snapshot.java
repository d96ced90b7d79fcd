package dev.armature.migration;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A snapshot stream read ({@link SnapshotReader}) and checked as a whole: magic, format version, every section's length and CRC32C, the
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

    /** A snapshot made of sections read one by one (live migration's destination). */
    public static Snapshot of(BoardConfig config, List<Section> sections) {
        return new Snapshot(config, new ArrayList<>(sections));
    }

    /** Reads and checks the snapshot file at {@code path}. */
    public static Snapshot read(Path path) throws SnapshotException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
            return read(in);
        } catch (NoSuchFileException e) {
            throw new SnapshotException(path + ": no such file");
        } catch (IOException e) {
            throw new SnapshotException(path + ": " + e.getMessage(), e);
        }
    }

    /** Parses and checks a whole stream. */
    public static Snapshot parse(byte[] bytes) throws SnapshotException {
        try {
            return read(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new SnapshotException(e.getMessage(), e); // a byte array does not fail to read
        }
    }

    private static Snapshot read(InputStream in) throws SnapshotException, IOException {
        SnapshotReader reader = new SnapshotReader(in);
        List<Section> sections = new ArrayList<>();
        for (Section s = reader.next(); s != null; s = reader.next()) {
            sections.add(s);
        }
        long extra = in.transferTo(OutputStream.nullOutputStream());
        if (extra > 0) {
            throw new SnapshotException("snapshot is corrupt: " + extra + " bytes after the trailer");
        }
        return new Snapshot(reader.config(), sections);
    }
}
