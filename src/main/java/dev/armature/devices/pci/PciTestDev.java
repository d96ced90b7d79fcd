package dev.armature.devices.pci;

import dev.armature.memory.MmioHandler;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * QEMU's {@code pci-testdev} [1b36:0005] (class 0x00ff00), the device kvm-unit-tests' {@code pci-testdev} test
 * drives. BAR0 is 4 KiB of memory ("mmio"), BAR1 256 bytes of I/O ("portio"). Each BAR begins with the header of
 * the selected test (QEMU's docs/specs/pci-testdev):
 *
 * <pre>
 *   0  test   (write: select test N of this BAR; reads the test's global number)
 *   1  width  (access width of the test's writes: 1)
 *   4  offset (where in the BAR the test's writes go)
 *   8  data   (the value to write)
 *   12 count  (writes the device saw since the test was selected)
 *   16 name   (NUL-terminated, e.g. "mmio-no-eventfd")
 * </pre>
 *
 * Each BAR has tests 0-2, "no-eventfd", "wildcard-eventfd" and "datamatch-eventfd", numbered 0-2 (mmio) and
 * 3-5 (portio) globally; a test's register is at half the BAR size plus its global number, its data 0xce for
 * the wildcard test and 0xfa for the others. Selecting a number past 2 deselects (the header reads zero, as
 * before any selection). The values were read from QEMU 7.2 with guest/tests/pci.c.
 *
 * <p>QEMU's behaviour that a guest can observe, reproduced here: the device handles one byte at a time (a wider
 * access is split into bytes, low address first); a counted write is a byte at the selected test's offset equal
 * to its data (any byte for the wildcard test), whichever BAR it reaches. The two eventfd tests register an
 * ioeventfd on their test's BAR: a one-byte write at the test's offset (of its data, for datamatch) is taken by
 * the eventfd before it reaches the device and is not counted, so on QEMU those tests end with count 0 when
 * written exactly as the header says; Armature has no ioeventfds and drops such a write in the same place.
 */
public final class PciTestDev extends PciFunction {
    public static final int VENDOR = 0x1b36;
    public static final int DEVICE = 0x0005;
    /** Unclassified device ("others"). */
    public static final int CLASS = 0x00_ff_00;
    public static final int MMIO_SIZE = 4096;
    public static final int PORTIO_SIZE = 256;
    private static final String[] TESTS = {"no-eventfd", "wildcard-eventfd", "datamatch-eventfd"};
    private static final String[] TYPES = {"mmio", "portio"};
    private static final int WILDCARD = 1;
    private static final int DATA_MATCH = 0xfa;
    private static final int DATA_NO_MATCH = 0xce;
    private static final int HEADER_SIZE = 16;

    /** The selected test's global number, or -1. */
    private int current = -1;
    private int count;

    private final MmioHandler mmio = bar(0);
    private final MmioHandler portio = bar(1);

    public PciTestDev() {
        super(VENDOR, DEVICE, CLASS, 0, List.of(new PciBar(PciBar.Space.MEMORY32, MMIO_SIZE),
                new PciBar(PciBar.Space.IO, PORTIO_SIZE)));
    }

    @Override
    protected MmioHandler barRegisters(int n) {
        return n == 0 ? mmio : portio;
    }

    @Override
    protected void resetFunction() {
        current = -1;
        count = 0;
    }

    private static int offset(int global) {
        return (global < TESTS.length ? MMIO_SIZE : PORTIO_SIZE) / 2 + global;
    }

    private static int data(int global) {
        return global % TESTS.length == WILDCARD ? DATA_NO_MATCH : DATA_MATCH;
    }

    /** Byte {@code addr} of the selected test's header and name; zero past it or with no test selected. */
    private int headerByte(int addr) {
        if (current < 0) {
            return 0;
        }
        return switch (addr) {
            case 0 -> current;
            case 1 -> 1;
            case 4, 5, 6, 7 -> offset(current) >>> (8 * (addr - 4)) & 0xff;
            case 8, 9, 10, 11 -> data(current) >>> (8 * (addr - 8)) & 0xff;
            case 12, 13, 14, 15 -> count >>> (8 * (addr - 12)) & 0xff;
            default -> {
                byte[] name = (TYPES[current / TESTS.length] + "-" + TESTS[current % TESTS.length])
                        .getBytes(StandardCharsets.US_ASCII);
                int i = addr - HEADER_SIZE;
                yield i >= 0 && i < name.length ? name[i] : 0;
            }
        };
    }

    private void writeByte(int type, int addr, int value) {
        if (addr == 0) {
            current = value < TESTS.length ? type * TESTS.length + value : -1;
            count = 0;
            return;
        }
        if (current < 0 || addr != offset(current)) {
            return;
        }
        if (current % TESTS.length == WILDCARD || value == data(current)) {
            count++;
        }
    }

    /** Whether the selected test's ioeventfd (on BAR {@code type}) takes this write before the device sees it. */
    private boolean eventfdTakes(int type, int addr, int size, long value) {
        if (current < 0 || current / TESTS.length != type || current % TESTS.length == 0) {
            return false;
        }
        return addr == offset(current) && size == 1
                && (current % TESTS.length == WILDCARD || (value & 0xff) == data(current));
    }

    /** The registers of BAR {@code type} (0: mmio, 1: portio). */
    private MmioHandler bar(int type) {
        return new MmioHandler() {
            @Override
            public long read(long offset, int size) {
                long v = 0;
                for (int i = size - 1; i >= 0; i--) {
                    v = v << 8 | headerByte((int) offset + i);
                }
                return v;
            }

            @Override
            public void write(long offset, int size, long value) {
                if (eventfdTakes(type, (int) offset, size, value)) {
                    return;
                }
                for (int i = 0; i < size; i++) {
                    writeByte(type, (int) offset + i, (int) (value >>> (8 * i)) & 0xff);
                }
            }
        };
    }
}
