package dev.armature.devices.virtio;

import dev.armature.devices.block.BlockImage;
import dev.armature.devices.block.BlockImageException;
import dev.armature.memory.PhysicalMemory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.armature.devices.virtio.VirtioBlock.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * virtio-blk requests as a driver builds them (header, data, status in separate descriptors, or split
 * differently), through the legacy and modern virtio-mmio transports, on a raw image in a temporary file.
 */
class VirtioBlockTest {
    private static final long RAM = 0x4000_0000L;
    private static final long DESC = RAM + 0x1_0000;
    private static final long HEADER = RAM + 0x2_0000;
    private static final long DATA = RAM + 0x3_0000;
    private static final long STATUS = RAM + 0x4_0000;
    private static final int QSIZE = 16;
    private static final int SECTORS = 64;

    private final PhysicalMemory mem = new PhysicalMemory();
    private final List<Boolean> irq = new ArrayList<>();
    @TempDir
    Path dir;
    private BlockImage image;
    private VirtioMmio transport;
    private long avail;
    private long used;
    private int nextAvail;

    VirtioBlockTest() {
        mem.addRam("ram", RAM, 1 << 20);
    }

    @AfterEach
    void close() {
        if (image != null) {
            image.close();
        }
        mem.close();
    }

    /** A disk whose sector n is filled with the byte n. */
    private Path disk() throws IOException {
        byte[] bytes = new byte[SECTORS * 512];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i / 512);
        }
        Path f = dir.resolve("disk.img");
        Files.write(f, bytes);
        return f;
    }

    private void plug(int version, boolean readOnly) throws IOException {
        image = BlockImage.open(disk(), readOnly);
        transport = new VirtioMmio(mem, version, new VirtioBlock(mem, image, "armature-serial-0123456789"),
                irq::add);
        transport.write(0x070, 4, 0xf); // ACKNOWLEDGE | DRIVER | DRIVER_OK | FEATURES_OK
        transport.write(0x030, 4, 0);
        transport.write(0x038, 4, QSIZE);
        if (version == 1) {
            transport.write(0x028, 4, 4096);
            transport.write(0x03c, 4, 4096);
            transport.write(0x040, 4, DESC >>> 12);
            avail = DESC + 16 * QSIZE;
            used = (avail + 6 + 2 * QSIZE + 4095) & ~4095L;
        } else {
            avail = DESC + 0x1000;
            used = DESC + 0x2000;
            transport.write(0x080, 4, DESC);
            transport.write(0x090, 4, avail);
            transport.write(0x0a0, 4, used);
            transport.write(0x044, 4, 1);
        }
    }

    private record Seg(long addr, int len, boolean write) {
    }

    /** Publishes a chain of the given segments and notifies; returns the used length. */
    private int submit(Seg... segs) {
        int usedBefore = publish(segs);
        assertEquals((usedBefore + 1) & 0xffff, mem.read(used + 2, 2), "one used element per request");
        long elem = used + 4 + 8L * (usedBefore % QSIZE);
        assertEquals(0, mem.read(elem, 4), "used id is the chain's head");
        return (int) mem.read(elem + 4, 4);
    }

    /** Writes the chain at descriptor 0, makes it available and notifies; returns the used index before. */
    private int publish(Seg... segs) {
        for (int i = 0; i < segs.length; i++) {
            long d = DESC + 16L * i;
            mem.write(d, 8, segs[i].addr());
            mem.write(d + 8, 4, segs[i].len());
            int flags = (segs[i].write() ? VirtQueue.VIRTQ_DESC_F_WRITE : 0)
                    | (i + 1 < segs.length ? VirtQueue.VIRTQ_DESC_F_NEXT : 0);
            mem.write(d + 12, 2, flags);
            mem.write(d + 14, 2, i + 1);
        }
        int usedBefore = (int) mem.read(used + 2, 2);
        mem.write(avail + 4 + 2L * (nextAvail % QSIZE), 2, 0);
        nextAvail = (nextAvail + 1) & 0xffff;
        mem.write(avail + 2, 2, nextAvail);
        mem.write(STATUS, 1, 0xee);
        transport.write(0x050, 4, 0);
        return usedBefore;
    }

    private void header(int type, long sector) {
        mem.write(HEADER, 4, type);
        mem.write(HEADER + 4, 4, 0);
        mem.write(HEADER + 8, 8, sector);
    }

    private int status() {
        return (int) mem.read(STATUS, 1);
    }

    @ParameterizedTest(name = "virtio-mmio version {0}")
    @ValueSource(ints = {1, 2})
    void readsSectorsIntoTheDataBuffers(int version) throws IOException {
        plug(version, false);
        header(VIRTIO_BLK_T_IN, 5);
        int len = submit(new Seg(HEADER, 16, false), new Seg(DATA, 1024, true), new Seg(STATUS, 1, true));
        assertEquals(VIRTIO_BLK_S_OK, status());
        assertEquals(1025, len, "data bytes plus the status byte");
        assertEquals(5, mem.read(DATA, 1));
        assertEquals(5, mem.read(DATA + 511, 1));
        assertEquals(6, mem.read(DATA + 512, 1));
        assertEquals(6, mem.read(DATA + 1023, 1));
        assertEquals(1, transport.read(0x060, 4));
        assertEquals(List.of(true), irq);
    }

    @Test
    void writesReachTheImageAndFlushSucceeds() throws IOException {
        plug(2, false);
        byte[] data = new byte[512];
        Arrays.fill(data, (byte) 0xab);
        mem.writeBytes(DATA, data);
        header(VIRTIO_BLK_T_OUT, 63);
        assertEquals(1, submit(new Seg(HEADER, 16, false), new Seg(DATA, 512, false), new Seg(STATUS, 1, true)));
        assertEquals(VIRTIO_BLK_S_OK, status());
        header(VIRTIO_BLK_T_FLUSH, 0);
        assertEquals(1, submit(new Seg(HEADER, 16, false), new Seg(STATUS, 1, true)));
        assertEquals(VIRTIO_BLK_S_OK, status());
        byte[] file = Files.readAllBytes(dir.resolve("disk.img"));
        assertEquals((byte) 0xab, file[63 * 512]);
        assertEquals((byte) 0xab, file[64 * 512 - 1]);
        assertEquals((byte) 62, file[63 * 512 - 1]);
    }

    @Test
    void headerAndDataMayShareADescriptor() throws IOException {
        plug(2, false);
        // One readable descriptor holding header + one sector, one writable holding only the status.
        byte[] data = new byte[512];
        Arrays.fill(data, (byte) 0x5a);
        mem.writeBytes(HEADER + 16, data);
        header(VIRTIO_BLK_T_OUT, 1);
        submit(new Seg(HEADER, 16 + 512, false), new Seg(STATUS, 1, true));
        assertEquals(VIRTIO_BLK_S_OK, status());
        // And a read whose data and status share the last writable descriptor.
        header(VIRTIO_BLK_T_IN, 1);
        assertEquals(513, submit(new Seg(HEADER, 16, false), new Seg(DATA, 513, true)));
        assertEquals(0x5a, mem.read(DATA + 511, 1));
        assertEquals(VIRTIO_BLK_S_OK, mem.read(DATA + 512, 1));
    }

    @Test
    void badRequestsCompleteWithAnErrorStatus() throws IOException {
        plug(1, false);
        header(VIRTIO_BLK_T_IN, SECTORS - 1); // the second sector lies beyond the disk
        assertEquals(1, submit(new Seg(HEADER, 16, false), new Seg(DATA, 1024, true), new Seg(STATUS, 1, true)));
        assertEquals(VIRTIO_BLK_S_IOERR, status());
        header(VIRTIO_BLK_T_IN, 0); // not whole sectors
        submit(new Seg(HEADER, 16, false), new Seg(DATA, 100, true), new Seg(STATUS, 1, true));
        assertEquals(VIRTIO_BLK_S_IOERR, status());
        header(VIRTIO_BLK_T_IN, -1L); // sector number overflowing a byte offset
        submit(new Seg(HEADER, 16, false), new Seg(DATA, 512, true), new Seg(STATUS, 1, true));
        assertEquals(VIRTIO_BLK_S_IOERR, status());
        header(7, 0); // unknown type (7 is reserved)
        submit(new Seg(HEADER, 16, false), new Seg(DATA, 16, false), new Seg(STATUS, 1, true));
        assertEquals(VIRTIO_BLK_S_UNSUPP, status());
        submit(new Seg(HEADER, 8, false), new Seg(STATUS, 1, true)); // short header
        assertEquals(VIRTIO_BLK_S_IOERR, status());
        assertEquals(0xf, transport.read(0x070, 4), "errors in requests do not break the device");
    }

    @Test
    void readOnlyDiskRefusesWritesAndSaysSo() throws IOException {
        plug(2, true);
        transport.write(0x014, 4, 0);
        assertEquals(VIRTIO_BLK_F_RO, transport.read(0x010, 4) & VIRTIO_BLK_F_RO);
        header(VIRTIO_BLK_T_OUT, 0);
        submit(new Seg(HEADER, 16, false), new Seg(DATA, 512, false), new Seg(STATUS, 1, true));
        assertEquals(VIRTIO_BLK_S_IOERR, status());
        assertEquals(0, Files.readAllBytes(dir.resolve("disk.img"))[0]);
        assertEquals(0, transport.read(0x010, 4) & (VIRTIO_BLK_F_DISCARD | VIRTIO_BLK_F_WRITE_ZEROES),
                "nothing to discard or zero on a read-only disk");
        header(VIRTIO_BLK_T_WRITE_ZEROES, 0);
        range(0, 1, 0);
        submit(new Seg(HEADER, 16, false), new Seg(DATA, 16, false), new Seg(STATUS, 1, true));
        assertEquals(VIRTIO_BLK_S_IOERR, status());
        header(VIRTIO_BLK_T_FLUSH, 0);
        submit(new Seg(HEADER, 16, false), new Seg(STATUS, 1, true));
        assertEquals(VIRTIO_BLK_S_OK, status());
    }

    @Test
    void configSpaceAndFeatures() throws IOException {
        plug(1, false);
        assertEquals(2, transport.read(0x008, 4));
        transport.write(0x014, 4, 0);
        assertEquals(VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_BLK_SIZE | VIRTIO_BLK_F_FLUSH | VIRTIO_BLK_F_DISCARD
                | VIRTIO_BLK_F_WRITE_ZEROES, transport.read(0x010, 4));
        assertEquals(256, transport.read(0x034, 4)); // QueueNumMax
        assertEquals(SECTORS, transport.read(0x100, 8)); // capacity
        assertEquals(SECTORS, transport.read(0x100, 4));
        assertEquals(0, transport.read(0x104, 4));
        assertEquals(254, transport.read(0x10c, 4)); // seg_max
        assertEquals(512, transport.read(0x114, 4)); // blk_size
        // QEMU 7.2's limits, as Linux reports them (discard_max_bytes 2147483136, discard_granularity 512)
        assertEquals(4194303, transport.read(0x124, 4)); // max_discard_sectors
        assertEquals(1, transport.read(0x128, 4)); // max_discard_seg
        assertEquals(1, transport.read(0x12c, 4)); // discard_sector_alignment
        assertEquals(4194303, transport.read(0x130, 4)); // max_write_zeroes_sectors
        assertEquals(1, transport.read(0x134, 4)); // max_write_zeroes_seg
    }

    /** Writes one discard/write-zeroes range at DATA. */
    private void range(long sector, int count, int flags) {
        mem.write(DATA, 8, sector);
        mem.write(DATA + 8, 4, count);
        mem.write(DATA + 12, 4, flags);
    }

    @ParameterizedTest(name = "virtio-mmio version {0}")
    @ValueSource(ints = {1, 2})
    void writeZeroesClearsExactlyItsSectorsAndDiscardKeepsData(int version) throws IOException {
        plug(version, false);
        header(VIRTIO_BLK_T_WRITE_ZEROES, 0);
        range(3, 2, VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP);
        assertEquals(1, submit(new Seg(HEADER, 16, false), new Seg(DATA, 16, false), new Seg(STATUS, 1, true)));
        assertEquals(VIRTIO_BLK_S_OK, status());
        header(VIRTIO_BLK_T_DISCARD, 0);
        range(10, 4, 0);
        submit(new Seg(HEADER, 16, false), new Seg(DATA, 16, false), new Seg(STATUS, 1, true));
        assertEquals(VIRTIO_BLK_S_OK, status());
        byte[] file = Files.readAllBytes(dir.resolve("disk.img"));
        assertEquals(2, file[3 * 512 - 1]);
        for (int i = 3 * 512; i < 5 * 512; i++) {
            assertEquals(0, file[i], "byte " + i);
        }
        assertEquals(5, file[5 * 512]);
        assertEquals(10, file[10 * 512], "discard leaves the data (QEMU's discard=ignore)");
    }

    @Test
    void badRangesAreRefusedAsQemuDoes() throws IOException {
        plug(2, false);
        header(VIRTIO_BLK_T_WRITE_ZEROES, 0);
        range(SECTORS - 1, 2, 0); // past the end
        submit(new Seg(HEADER, 16, false), new Seg(DATA, 16, false), new Seg(STATUS, 1, true));
        assertEquals(VIRTIO_BLK_S_IOERR, status());
        range(0, 1, 0); // two ranges: more than max_write_zeroes_seg
        mem.write(DATA + 16, 8, 0);
        mem.write(DATA + 24, 8, 1);
        submit(new Seg(HEADER, 16, false), new Seg(DATA, 32, false), new Seg(STATUS, 1, true));
        assertEquals(VIRTIO_BLK_S_UNSUPP, status());
        header(VIRTIO_BLK_T_DISCARD, 0);
        range(0, 1, VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP); // no flags defined for DISCARD
        submit(new Seg(HEADER, 16, false), new Seg(DATA, 16, false), new Seg(STATUS, 1, true));
        assertEquals(VIRTIO_BLK_S_UNSUPP, status());
        range(0, 4194304, 0); // beyond max_discard_sectors
        submit(new Seg(HEADER, 16, false), new Seg(DATA, 16, false), new Seg(STATUS, 1, true));
        assertEquals(VIRTIO_BLK_S_UNSUPP, status());
        assertEquals(SECTORS - 1, Files.readAllBytes(dir.resolve("disk.img"))[512 * (SECTORS - 1)],
                "a refused request writes nothing");
    }

    @Test
    void getIdReturnsTheSerialTruncatedToTwentyBytes() throws IOException {
        plug(2, false);
        header(VIRTIO_BLK_T_GET_ID, 0);
        assertEquals(21, submit(new Seg(HEADER, 16, false), new Seg(DATA, 20, true), new Seg(STATUS, 1, true)));
        assertEquals(VIRTIO_BLK_S_OK, status());
        assertEquals("armature-serial-0123", new String(mem.readBytes(DATA, 20), StandardCharsets.US_ASCII));
    }

    @Test
    void aChainWithoutStatusByteNeedsReset() throws IOException {
        plug(2, false);
        header(VIRTIO_BLK_T_IN, 0);
        publish(new Seg(HEADER, 16, false));
        assertEquals(0, mem.read(used + 2, 2), "nothing completed");
        assertEquals(0xf | VirtioMmio.STATUS_NEEDS_RESET, transport.read(0x070, 4));
    }

    @Test
    void imagesThatCannotBeUsedAreRefusedWithTheReason() throws IOException {
        refused(dir.resolve("absent.img"), "absent.img: no such file");
        Path tiny = Files.write(dir.resolve("tiny.img"), new byte[100]);
        refused(tiny, "tiny.img: 100 bytes, smaller than one 512-byte sector");
        byte[] qcow = new byte[4096];
        qcow[0] = 'Q';
        qcow[1] = 'F';
        qcow[2] = 'I';
        qcow[3] = (byte) 0xfb;
        Path q = Files.write(dir.resolve("disk.qcow2"), qcow);
        refused(q, "disk.qcow2: a qcow2 image; only raw images are supported");
    }

    private static void refused(Path file, String reason) {
        BlockImageException e = assertThrows(BlockImageException.class, () -> BlockImage.open(file, false));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }
}
