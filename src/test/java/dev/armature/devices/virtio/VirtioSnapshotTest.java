package dev.armature.devices.virtio;

import dev.armature.memory.PhysicalMemory;
import dev.armature.migration.Snapshottable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * virtio-mmio and testdev snapshot state: a queue saved in the middle of a conversation (one buffer consumed,
 * the testdev holding the digit it carried) continues on the restored transport with the next buffer.
 */
class VirtioSnapshotTest {
    private static final long RAM = 0x4000_0000L;
    private static final long BASE = RAM + 0x1_0000;
    private static final long AVAIL = BASE + 16 * 8;
    private final PhysicalMemory mem = new PhysicalMemory();
    private final List<Integer> exits = new ArrayList<>();

    VirtioSnapshotTest() {
        mem.addRam("ram", RAM, 1 << 20);
    }

    @AfterEach
    void close() {
        mem.close();
    }

    private static byte[] save(Snapshottable s) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        s.saveState(new DataOutputStream(buf));
        return buf.toByteArray();
    }

    private static Runnable load(Snapshottable s, byte[] bytes) throws IOException {
        return s.loadState(new DataInputStream(new ByteArrayInputStream(bytes)));
    }

    /** Puts {@code text} in descriptor {@code slot} and publishes it at available index {@code index}. */
    private void offer(int slot, int index, String text) {
        byte[] data = text.getBytes(StandardCharsets.US_ASCII);
        long buffer = RAM + 0x8000 + 0x100L * slot;
        mem.writeBytes(buffer, data);
        mem.write(BASE + 16L * slot, 8, buffer);
        mem.write(BASE + 16L * slot + 8, 4, data.length);
        mem.write(BASE + 16L * slot + 12, 2, 0);
        mem.write(AVAIL + 4 + 2L * index, 2, slot);
        mem.write(AVAIL + 2, 2, index + 1);
    }

    private List<Long> registers(VirtioMmio t) {
        List<Long> r = new ArrayList<>();
        for (int off : new int[] {0x010, 0x028, 0x030, 0x034, 0x038, 0x03c, 0x040, 0x060, 0x070}) {
            r.add(t.read(off, 4));
        }
        return r;
    }

    @Test
    void aQueueContinuesWhereTheSnapshotLeftIt() throws IOException {
        TestDev dev = new TestDev(exits::add);
        VirtioMmio t = new VirtioMmio(mem, 1, new VirtioConsole(mem, dev::write), level -> { });
        t.write(0x028, 4, 4096);
        t.write(0x030, 4, 1); // transmitq
        t.write(0x038, 4, 8);
        t.write(0x03c, 4, 4096);
        t.write(0x040, 4, BASE >>> 12);
        t.write(0x070, 4, 7);
        offer(0, 0, "1");
        t.write(0x050, 4, 1);
        assertEquals(List.of(), exits);
        byte[] transport = save(t);
        byte[] testdev = save(dev);

        List<Integer> restoredExits = new ArrayList<>();
        TestDev dev2 = new TestDev(restoredExits::add);
        VirtioMmio t2 = new VirtioMmio(mem, 1, new VirtioConsole(mem, dev2::write), level -> { });
        load(t2, transport).run();
        load(dev2, testdev).run();
        assertEquals(registers(t), registers(t2));
        offer(1, 1, "2q");
        t2.write(0x050, 4, 1);
        assertEquals(List.of(25), restoredExits, "\"1\" before the snapshot, \"2q\" after: (12 << 1) | 1");
    }

    @Test
    void aRestoredTransportSavesTheSameRecord() throws IOException {
        VirtioMmio t = new VirtioMmio(mem, 2, new VirtioConsole(mem, b -> { }), level -> { });
        t.write(0x030, 4, 0);
        t.write(0x038, 4, 16);
        t.write(0x080, 4, RAM + 0x2_0000);
        t.write(0x090, 4, RAM + 0x2_1000);
        t.write(0x0a0, 4, RAM + 0x2_2000);
        t.write(0x044, 4, 1);
        t.write(0x024, 4, 1);
        t.write(0x020, 4, 1);
        byte[] bytes = save(t);
        VirtioMmio t2 = new VirtioMmio(mem, 2, new VirtioConsole(mem, b -> { }), level -> { });
        load(t2, bytes).run();
        assertArrayEquals(bytes, save(t2));
        assertEquals(1, t2.read(0x044, 4), "queue 0 ready");
    }

    @Test
    void aTransportOfAnotherVersionRefusesTheState() throws IOException {
        VirtioMmio legacy = new VirtioMmio(mem, 1, new VirtioConsole(mem, b -> { }), level -> { });
        VirtioMmio modern = new VirtioMmio(mem, 2, new VirtioConsole(mem, b -> { }), level -> { });
        IOException e = assertThrows(IOException.class, () -> load(modern, save(legacy)));
        assertEquals("virtio-mmio: saved version 1 device 3 with 2 queues, this slot is version 2 device 3 with 2 "
                + "queues", e.getMessage());
    }
}
