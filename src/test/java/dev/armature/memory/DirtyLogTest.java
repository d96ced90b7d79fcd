package dev.armature.memory;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** The dirty log's bitmap protocol and the host-side writers that report to it. */
class DirtyLogTest {
    private static final long RAM = 0x4000_0000L;

    @Test
    void marksOnlyWhileLoggingAndHarvestTakesPagesOnce() {
        DirtyLog log = new DirtyLog();
        AtomicInteger flushes = new AtomicInteger();
        log.setFlusher(flushes::incrementAndGet);
        log.mark(RAM, 8);
        log.start();
        assertEquals(1, flushes.get(), "start drops cached write entries");
        assertEquals(0, log.dirtyCount(), "a write before start is not logged");
        log.mark(RAM + 0x1ffc, 8); // straddles pages 1 and 2
        log.mark(RAM + 0x2000, 1);
        log.mark(0x1_0000_0000L + 0x5000, 4096); // another GiB chunk
        assertEquals(3, log.dirtyCount());
        assertArrayEquals(new long[] {RAM + 0x1000, RAM + 0x2000, 0x1_0000_5000L}, log.harvest());
        assertEquals(2, flushes.get(), "each harvest drops write entries again");
        assertArrayEquals(new long[0], log.harvest());
        log.stop();
        log.mark(RAM, 8);
        assertEquals(0, log.dirtyCount());
    }

    @Test
    void hostWritesThroughPhysicalMemoryAreLogged() {
        try (PhysicalMemory mem = new PhysicalMemory()) {
            mem.addRam("ram", RAM, 1 << 20);
            mem.write(RAM + 0x3000, 4, 1);
            mem.dirtyLog().start();
            mem.write(RAM + 0x5008, 8, 2);
            mem.writeBytes(RAM + 0x7ff0, new byte[32]);
            assertArrayEquals(new long[] {RAM + 0x5000, RAM + 0x7000, RAM + 0x8000}, mem.dirtyLog().harvest());
        }
    }
}
