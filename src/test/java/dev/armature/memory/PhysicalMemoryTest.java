package dev.armature.memory;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PhysicalMemoryTest {
    @Test
    void ramIsLittleEndianAndZeroExtended() {
        try (PhysicalMemory m = new PhysicalMemory()) {
            m.addRam("ram", 0x4000_0000L, 0x10000);
            m.write(0x4000_0000L, 8, 0x8877_6655_4433_2211L);
            assertEquals(0x11, m.read(0x4000_0000L, 1));
            assertEquals(0x2211, m.read(0x4000_0000L, 2));
            assertEquals(0x4433_2211L, m.read(0x4000_0000L, 4));
            assertEquals(0x88L, m.read(0x4000_0007L, 1)); // zero-extended, not sign-extended
            assertArrayEquals(new byte[] {0x11, 0x22, 0x33}, m.readBytes(0x4000_0000L, 3));
        }
    }

    @Test
    void mmioIsDispatchedWithRegionOffsets() {
        try (PhysicalMemory m = new PhysicalMemory()) {
            long[] last = new long[3];
            m.addMmio("dev", 0x0900_0000L, 0x1000, new MmioHandler() {
                @Override
                public long read(long offset, int size) {
                    return offset + size;
                }

                @Override
                public void write(long offset, int size, long value) {
                    last[0] = offset;
                    last[1] = size;
                    last[2] = value;
                }
            });
            assertEquals(0x18 + 4, m.read(0x0900_0018L, 4));
            m.write(0x0900_0004L, 2, 0xbeef);
            assertArrayEquals(new long[] {4, 2, 0xbeef}, last);
        }
    }

    @Test
    void unmappedAccessIsABusErrorNamingTheAddress() {
        try (PhysicalMemory m = new PhysicalMemory()) {
            m.addRam("ram", 0x4000_0000L, 0x1000);
            BusError e = assertThrows(BusError.class, () -> m.read(0x1234_5678L, 4));
            assertEquals(0x1234_5678L, e.address());
            assertTrue(e.getMessage().contains("0x12345678"));
            // An access straddling the end of a region is unmapped too.
            assertThrows(BusError.class, () -> m.write(0x4000_0ffeL, 4, 0));
        }
    }

    @Test
    void overlappingRegionsAreRefused() {
        try (PhysicalMemory m = new PhysicalMemory()) {
            m.addRam("ram", 0x4000_0000L, 0x2000);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> m.addRam("other", 0x4000_1000L, 0x1000));
            assertTrue(e.getMessage().contains("overlaps ram"));
        }
    }
}
