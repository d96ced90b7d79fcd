package dev.armature.devices.pci;

import dev.armature.memory.MmioHandler;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The ECAM host, the type 0 header and pci-testdev, with the values QEMU 7.2 shows for
 * {@code -device pci-testdev} (read by guest/tests/pci.c and a probe on qemu-system-aarch64).
 */
class PciHostTest {
    private static final long MMIO = 0x1000_0000L;
    private static final int TESTDEV = 1 << 15; // ECAM offset of 00:01.0

    private PciHost host;
    private MmioHandler ecam;
    private MmioHandler mmio;
    private MmioHandler pio;

    @BeforeEach
    void setUp() {
        host = new PciHost(List.of(new PciHostBridge(), new PciTestDev()));
        ecam = host.ecam();
        mmio = host.memoryWindow(MMIO);
        pio = host.ioWindow();
    }

    private void assignAndEnable() {
        ecam.write(TESTDEV + 0x10, 4, MMIO);
        ecam.write(TESTDEV + 0x14, 4, 0x1000);
        ecam.write(TESTDEV + 0x04, 2, 3);
    }

    @Test
    void enumeration() {
        assertEquals(0x0008_1b36L, ecam.read(0, 4));
        assertEquals(0x0600_0000L, ecam.read(0x08, 4));
        assertEquals(0x0005_1b36L, ecam.read(TESTDEV, 4));
        assertEquals(0x00ff_0000L, ecam.read(TESTDEV + 0x08, 4), "class 0x00ff00, revision 0");
        assertEquals(0x1100_1af4L, ecam.read(TESTDEV + 0x2c, 4), "QEMU's subsystem ids");
        assertEquals(0xffff_ffffL, ecam.read(2 << 15, 4), "absent slot");
        assertEquals(0xffffL, ecam.read((2 << 15) + 2, 2));
        assertEquals(0xffff_ffffL, ecam.read(1 << 20, 4), "bus 1 is empty");
        assertEquals(0xffff_ffffL, ecam.read(TESTDEV + 0x100, 4), "beyond a conventional function's 256 bytes");
        assertEquals(0L, ecam.read(TESTDEV + 0xfc, 4));
        ecam.write(TESTDEV, 4, 0x1234_5678);
        assertEquals(0x0005_1b36L, ecam.read(TESTDEV, 4), "IDs are read-only");
    }

    @Test
    void writableMasksAreQemus() {
        ecam.write(TESTDEV + 0x04, 4, 0xffff_ffffL);
        assertEquals(0x0507L, ecam.read(TESTDEV + 0x04, 4), "COMMAND bits, STATUS stays 0");
        ecam.write(TESTDEV + 0x0c, 4, 0xffff_ffffL);
        assertEquals(0xffL, ecam.read(TESTDEV + 0x0c, 4), "only the cache line size");
        ecam.write(TESTDEV + 0x3c, 4, 0xffff_ffffL);
        assertEquals(0xffL, ecam.read(TESTDEV + 0x3c, 4), "only the interrupt line; pin 0");
        ecam.write(TESTDEV + 0x30, 4, 0xffff_ffffL);
        assertEquals(0L, ecam.read(TESTDEV + 0x30, 4), "no expansion ROM");
        ecam.write(0x10, 4, 0xffff_ffffL);
        assertEquals(0L, ecam.read(0x10, 4), "the host bridge has no BARs");
    }

    @Test
    void barSizing() {
        ecam.write(TESTDEV + 0x10, 4, 0xffff_ffffL);
        ecam.write(TESTDEV + 0x14, 4, 0xffff_ffffL);
        ecam.write(TESTDEV + 0x18, 4, 0xffff_ffffL);
        assertEquals(0xffff_f000L, ecam.read(TESTDEV + 0x10, 4), "4 KiB 32-bit memory");
        assertEquals(0xffff_ff01L, ecam.read(TESTDEV + 0x14, 4), "256 bytes of I/O");
        assertEquals(0L, ecam.read(TESTDEV + 0x18, 4), "BAR2 absent");
    }

    @Test
    void decodeNeedsCommandBitsAndUnclaimedAccessesReadAllOnes() {
        ecam.write(TESTDEV + 0x10, 4, MMIO);
        ecam.write(TESTDEV + 0x14, 4, 0x1000);
        mmio.write(0, 1, 0);
        assertEquals(0xffff_ffffL, mmio.read(4, 4), "memory decode off");
        ecam.write(TESTDEV + 0x04, 2, 2);
        mmio.write(0, 1, 0);
        assertEquals(0x800L, mmio.read(4, 4), "memory decode on: test 0's register offset");
        assertEquals(0xffL, pio.read(0x1004, 1), "I/O decode still off");
        ecam.write(TESTDEV + 0x04, 2, 3);
        assertEquals(0x800L, pio.read(0x1004, 4), "both BARs show the selected test's header, as on QEMU");
    }

    @Test
    void testdevProtocolMatchesQemu() {
        assignAndEnable();
        assertEquals(0L, mmio.read(0, 8), "nothing selected: zeros");
        String[] names = {"mmio-no-eventfd", "mmio-wildcard-eventfd", "mmio-datamatch-eventfd",
            "portio-no-eventfd", "portio-wildcard-eventfd", "portio-datamatch-eventfd"};
        for (int global = 0; global < 6; global++) {
            MmioHandler bar = global < 3 ? mmio : pio;
            long base = global < 3 ? 0 : 0x1000;
            bar.write(base, 1, global % 3);
            assertEquals(global, bar.read(base, 1));
            assertEquals(1L, bar.read(base + 1, 1), "width");
            long offset = (global < 3 ? 0x800 : 0x80) + global;
            assertEquals(offset, bar.read(base + 4, 4));
            int data = global % 3 == 1 ? 0xce : 0xfa;
            assertEquals(data, bar.read(base + 8, 4));
            StringBuilder name = new StringBuilder();
            for (int i = 16; bar.read(base + i, 1) != 0; i++) {
                name.append((char) bar.read(base + i, 1));
            }
            assertEquals(names[global], name.toString());
            for (int i = 0; i < 16; i++) {
                bar.write(base + offset, 1, data);
            }
            assertEquals(global % 3 == 0 ? 16L : 0L, bar.read(base + 12, 4),
                    names[global] + ": counted, or taken by the eventfd as on QEMU");
        }
        pio.write(0x1000, 1, 3);
        assertEquals(0L, pio.read(0x1000, 8), "test 3 does not exist: deselected");
    }

    @Test
    void writesAreHandledByteByByteAfterTheEventfd() {
        assignAndEnable();
        mmio.write(0, 1, 0);
        mmio.write(0x800, 1, 0xfa);
        mmio.write(0x800, 1, 0xfb);
        mmio.write(0x800, 2, 0xfa);  // low byte 0xfa at 0x800 counts
        mmio.write(0x801, 1, 0xfa);
        assertEquals(2L, mmio.read(12, 4));
        mmio.write(0, 1, 0);
        assertEquals(0L, mmio.read(12, 4), "selecting resets the count");
        mmio.write(0, 1, 1);
        mmio.write(0x801, 1, 0xce);
        mmio.write(0x801, 1, 0x12);     // both taken by the wildcard eventfd
        mmio.write(0x800, 4, 0x12);     // too wide for the eventfd: byte 0x00 reaches 0x801 and counts
        assertEquals(1L, mmio.read(12, 4));
        mmio.write(0, 1, 2);
        mmio.write(0x802, 1, 0xfa);     // eventfd
        mmio.write(0x802, 1, 0xfb);     // wrong data
        mmio.write(0x802, 2, 0xfa);     // device, as a byte: counts
        assertEquals(1L, mmio.read(12, 4));
        mmio.write(0, 4, 0x0102);       // the test byte is 2: datamatch again
        assertEquals(0x802L, mmio.read(4, 4));
        assertEquals(0x0001L, mmio.read(1, 2), "width then padding");
    }

    @Test
    void movingABarAndReset() {
        assignAndEnable();
        mmio.write(0, 1, 0);
        ecam.write(TESTDEV + 0x10, 4, MMIO + 0x10_0000);
        assertEquals(0xffff_ffffL, mmio.read(4, 4), "old address unclaimed");
        assertEquals(0x800L, mmio.read(0x10_0004, 4));
        host.reset();
        assertEquals(0L, ecam.read(TESTDEV + 0x10, 4));
        assertEquals(0L, ecam.read(TESTDEV + 0x04, 4));
        assertEquals(0xffff_ffffL, mmio.read(0x10_0004, 4));
    }
}
