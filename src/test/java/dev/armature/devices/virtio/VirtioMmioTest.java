package dev.armature.devices.virtio;

import dev.armature.memory.PhysicalMemory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Drives the transport as a driver would, with virtqueues hand-built in guest RAM. */
class VirtioMmioTest {
    private static final long RAM = 0x4000_0000L;
    private final PhysicalMemory mem = new PhysicalMemory();
    private final List<Integer> exits = new ArrayList<>();
    private final List<Boolean> irq = new ArrayList<>();
    private final TestDev testdev = new TestDev(exits::add);

    VirtioMmioTest() {
        mem.addRam("ram", RAM, 1 << 20);
    }

    @AfterEach
    void close() {
        mem.close();
    }

    private VirtioMmio transport(int version) {
        return new VirtioMmio(mem, version, new VirtioConsole(mem, testdev::write), irq::add);
    }

    @Test
    void identificationRegisters() {
        VirtioMmio t = transport(1);
        assertEquals(0x74726976, t.read(0x000, 4));
        assertEquals(1, t.read(0x004, 4));
        assertEquals(3, t.read(0x008, 4));
        assertEquals(0x554d4551, t.read(0x00c, 4));
        assertEquals(0, t.read(0x010, 4)); // no console features in legacy mode
        VirtioMmio modern = transport(2);
        assertEquals(2, modern.read(0x004, 4));
        modern.write(0x014, 4, 1);
        assertEquals(1, modern.read(0x010, 4)); // VIRTIO_F_VERSION_1 is bit 32
    }

    @Test
    void emptySlotHasNoDevice() {
        VirtioMmio t = new VirtioMmio(mem, 1, null, irq::add);
        assertEquals(0x74726976, t.read(0x000, 4));
        assertEquals(1, t.read(0x004, 4));
        assertEquals(0, t.read(0x008, 4));
        assertEquals(0x554d4551, t.read(0x00c, 4));
        t.write(0x070, 4, 7);
        assertEquals(0, t.read(0x070, 4));
    }

    /** Writes one descriptor and publishes it at avail index {@code availIdx}. */
    private void offer(long desc, long avail, int slot, int availIdx, long buffer, String text, int flags, int next) {
        byte[] data = text.getBytes(StandardCharsets.US_ASCII);
        mem.writeBytes(buffer, data);
        mem.write(desc + 16L * slot, 8, buffer);
        mem.write(desc + 16L * slot + 8, 4, data.length);
        mem.write(desc + 16L * slot + 12, 2, flags);
        mem.write(desc + 16L * slot + 14, 2, next);
        if (availIdx >= 0) {
            mem.write(avail + 4 + 2L * (availIdx % 8), 2, slot);
            mem.write(avail + 2, 2, availIdx + 1);
        }
    }

    @Test
    void legacyTransmitQueueReachesTestdev() {
        VirtioMmio t = transport(1);
        t.write(0x028, 4, 4096); // GuestPageSize
        t.write(0x030, 4, 1); // QueueSel = transmitq
        assertEquals(128, t.read(0x034, 4));
        t.write(0x038, 4, 8); // QueueNum
        t.write(0x03c, 4, 4096); // QueueAlign
        long base = RAM + 0x1_0000;
        t.write(0x040, 4, base >>> 12); // QueuePFN
        assertEquals(base >>> 12, t.read(0x040, 4));
        long avail = base + 16 * 8;
        long used = (avail + 6 + 2 * 8 + 4095) & ~4095L;
        // "1" then "2q" chained over two descriptors: exit status (12 << 1) | 1 = 25.
        offer(base, avail, 0, -1, RAM + 0x8000, "1", VirtQueue.VIRTQ_DESC_F_NEXT, 1);
        offer(base, avail, 1, -1, RAM + 0x8100, "2q", 0, 0);
        mem.write(avail + 4, 2, 0);
        mem.write(avail + 2, 2, 1);
        t.write(0x050, 4, 1); // QueueNotify
        assertEquals(List.of(25), exits);
        assertEquals(1, mem.read(used + 2, 2)); // used idx
        assertEquals(0, mem.read(used + 4, 4)); // used elem id = head 0
        assertEquals(0, mem.read(used + 8, 4)); // nothing written into the buffers
        assertEquals(1, t.read(0x060, 4)); // InterruptStatus: used buffer
        assertEquals(List.of(true), irq);
        t.write(0x064, 4, 1); // InterruptACK
        assertEquals(0, t.read(0x060, 4));
        assertEquals(List.of(true, false), irq);
    }

    @Test
    void modernQueueWithSeparateAreasAndNoInterruptFlag() {
        VirtioMmio t = transport(2);
        t.write(0x030, 4, 1);
        t.write(0x038, 4, 8);
        long desc = RAM + 0x2_0000;
        long avail = RAM + 0x2_1000;
        long used = RAM + 0x2_2000;
        t.write(0x080, 4, desc);
        t.write(0x084, 4, 0);
        t.write(0x090, 4, avail);
        t.write(0x094, 4, 0);
        t.write(0x0a0, 4, used);
        t.write(0x0a4, 4, 0);
        t.write(0x044, 4, 1); // QueueReady
        assertEquals(1, t.read(0x044, 4));
        mem.write(avail, 2, VirtQueue.VIRTQ_AVAIL_F_NO_INTERRUPT);
        offer(desc, avail, 3, 0, RAM + 0x9000, "0q", 0, 0);
        t.write(0x050, 4, 1);
        assertEquals(List.of(1), exits);
        assertEquals(3, mem.read(used + 4, 4));
        assertEquals(0, t.read(0x060, 4));
        assertTrue(irq.isEmpty());
        // A second buffer on the same queue continues from the last index.
        offer(desc, avail, 4, 1, RAM + 0x9100, "3q", 0, 0);
        t.write(0x050, 4, 1);
        assertEquals(List.of(1, 7), exits);
        assertEquals(2, mem.read(used + 2, 2));
    }

    @Test
    void brokenQueueSetsNeedsResetAndResetClearsIt() {
        VirtioMmio t = transport(2);
        t.write(0x070, 4, 0xf);
        t.write(0x030, 4, 1);
        t.write(0x038, 4, 8);
        long desc = RAM + 0x3_0000;
        long avail = RAM + 0x3_1000;
        t.write(0x080, 4, desc);
        t.write(0x090, 4, avail);
        t.write(0x0a0, 4, RAM + 0x3_2000);
        t.write(0x044, 4, 1);
        mem.write(desc, 8, 0x1000); // a 4-byte buffer outside RAM
        mem.write(desc + 8, 4, 4);
        mem.write(avail + 2, 2, 1);
        t.write(0x050, 4, 1);
        assertEquals(0xf | VirtioMmio.STATUS_NEEDS_RESET, t.read(0x070, 4));
        assertTrue(exits.isEmpty());
        t.write(0x070, 4, 0);
        assertEquals(0, t.read(0x070, 4));
        assertEquals(0, t.read(0x044, 4));
    }

    @Test
    void testdevParsesDecimalCodes() {
        testdev.write("x42q".getBytes(StandardCharsets.US_ASCII));
        testdev.write("7a1q".getBytes(StandardCharsets.US_ASCII));
        assertEquals(List.of(85, 3), exits);
    }
}
