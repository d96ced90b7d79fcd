package dev.armature.migration;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/** The stream layer: header, sections with their CRC32C, end marker and whole-stream trailer. */
class SnapshotTest {
    private static final BoardConfig CONFIG = new BoardConfig(2, 3, 128L << 20, "max", false, 1, "NONE", "NONE");

    private static byte[] stream() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        SnapshotWriter w = new SnapshotWriter(buf, CONFIG);
        w.section(SectionId.GIC, 0, out -> out.writeInt(0x1234_5678));
        w.section(SectionId.CPU, 1, out -> out.writeLong(-1));
        w.finish();
        return buf.toByteArray();
    }

    private static String refusal(byte[] bytes) {
        return assertThrows(SnapshotException.class, () -> Snapshot.parse(bytes)).getMessage();
    }

    @Test
    void aWrittenStreamParsesBack() throws Exception {
        Snapshot s = Snapshot.parse(stream());
        assertEquals(CONFIG, s.config());
        assertEquals(2, s.sections().size());
        assertEquals(0x1234_5678, s.require(SectionId.GIC, 0).input().readInt());
        assertEquals(-1, s.require(SectionId.CPU, 1).input().readLong());
        assertEquals("snapshot has no cpu 0 section",
                assertThrows(SnapshotException.class, () -> s.require(SectionId.CPU, 0)).getMessage());
    }

    @Test
    void everySingleByteCorruptionIsRefused() throws Exception {
        byte[] good = stream();
        for (int i = 0; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= 0x10;
            String why = refusal(bad);
            assertTrue(why.startsWith("snapshot is corrupt") || why.startsWith("snapshot is truncated")
                    || why.startsWith("not an Armature snapshot") || why.startsWith("snapshot format version"),
                    "byte " + i + ": " + why);
        }
    }

    /** Bytes before the first section: magic, version, then BoardConfig (4 + 4 + 8 + "max" + 1 + 4 + "NONE"). */
    private static int headerEnd() {
        return 8 + 2 + 4 + 4 + 8 + 2 + 3 + 1 + 4 + 2 + 4 + 2 + 4; // ... virtio-serial "NONE", dma "NONE"
    }

    @Test
    void refusalsNameWhatIsWrong() throws Exception {
        byte[] good = stream();
        assertEquals("not an Armature snapshot (bad magic)", refusal("hello".getBytes()));
        byte[] v3 = good.clone();
        v3[9] = 3;
        assertEquals("snapshot format version 3 is not supported (this build reads 1 to 2)", refusal(v3));
        assertTrue(refusal(Arrays.copyOf(good, good.length - 30)).startsWith("snapshot is truncated"));
        assertEquals("snapshot is truncated (the trailer is missing)", refusal(Arrays.copyOf(good, good.length - 5)));
        byte[] payload = good.clone();
        payload[headerEnd() + 20] ^= 1; // first byte of the GIC payload
        assertEquals("snapshot is corrupt: section gic 0 fails its checksum", refusal(payload));
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        assertEquals("snapshot is corrupt: 1 bytes after the trailer", refusal(longer));
    }

    @Test
    void aConfigurationMismatchNamesEachDifference() {
        BoardConfig vm = new BoardConfig(4, 2, 256L << 20, "max", false, 1, "NONE", "NONE");
        SnapshotException e = assertThrows(SnapshotException.class, () -> CONFIG.checkMatches(vm));
        assertEquals("snapshot does not match this VM: snapshot has 2 vCPUs, this VM has 4; snapshot has GICv3, this "
                + "VM has GICv2; snapshot has 128 MiB of RAM, this VM has 256 MiB", e.getMessage());
        assertDoesNotThrow(() -> CONFIG.checkMatches(CONFIG));
    }
}
