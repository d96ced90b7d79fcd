package dev.armature.memory;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.*;

class AnonymousMemoryTest {
    @Test
    void largeRamIsZeroedWritableAndCostsNothingUntilTouched() {
        long size = 16L << 30; // 16 GiB: only a lazily populated mapping makes this cheap
        long rssBefore = residentKib();
        try (PhysicalMemory mem = new PhysicalMemory()) {
            MemorySegment ram = mem.addRam("ram", 0x4000_0000L, size);
            if (rssBefore >= 0) {
                assertTrue(residentKib() - rssBefore < 256 * 1024, "mapping 16 GiB must not commit it");
            }
            assertEquals(size, ram.byteSize());
            assertEquals(0, ram.address() & 0xfff, "page aligned");
            assertEquals(0, mem.read(0x4000_0000L, 8));
            assertEquals(0, mem.read(0x4000_0000L + size - 8, 8));
            mem.write(0x4000_0000L + size - 8, 8, 0x1122_3344_5566_7788L);
            assertEquals(0x1122_3344_5566_7788L, mem.read(0x4000_0000L + size - 8, 8));
        }
    }

    /** VmRSS of this process in KiB, or -1 where /proc is not available. */
    private static long residentKib() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (java.io.IOException e) {
            return -1;
        }
        return -1;
    }

    @Test
    void segmentIsReleasedWithItsArena() {
        MemorySegment seg;
        try (Arena arena = Arena.ofShared()) {
            seg = AnonymousMemory.allocate(arena, 1 << 20);
            seg.set(PhysicalMemory.U64, 8, 42L);
            assertEquals(42L, seg.get(PhysicalMemory.U64, 8));
        }
        assertFalse(seg.scope().isAlive());
    }
}
