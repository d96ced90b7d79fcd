package dev.armature.devices.pci;

import dev.armature.memory.MmioHandler;

import java.util.List;

/**
 * A conventional PCI function with a type 0 configuration header (256 bytes; offsets beyond read all-ones, as
 * QEMU's ECAM answers for conventional functions). Fixed: vendor/device id, class code, revision, header type,
 * subsystem ids (QEMU's default 1af4:1100), interrupt pin 0; no capabilities, no expansion ROM, STATUS 0.
 * Writable, with the masks QEMU 7.2 shows: COMMAND (I/O, memory, bus master, SERR#, INTx disable: 0x0507),
 * the cache line size, the interrupt line and the address bits of each BAR above its size, so that writing
 * all-ones reads back the size mask and type bits (BAR sizing).
 *
 * <p>Not thread-safe: the {@link PciHost} that holds it serialises access (see the package lock rule).
 */
public abstract class PciFunction {
    /** Size of a conventional function's configuration space. */
    public static final int CONFIG_SIZE = 256;
    static final int COMMAND = 0x04;
    static final int BAR0 = 0x10;
    static final int COMMAND_IO = 1;
    static final int COMMAND_MEMORY = 2;
    /** QEMU's default subsystem vendor (Red Hat/Qumranet) and subsystem id. */
    private static final int SUBSYSTEM_VENDOR = 0x1af4;
    private static final int SUBSYSTEM_ID = 0x1100;

    private final List<PciBar> bars;
    private final byte[] resetConfig = new byte[CONFIG_SIZE];
    private final byte[] writable = new byte[CONFIG_SIZE];
    private final byte[] config = new byte[CONFIG_SIZE];

    /**
     * @param classCode 24 bits: base class, subclass, programming interface
     * @param bars      BAR0, BAR1, ... (at most 6)
     */
    protected PciFunction(int vendor, int device, int classCode, int revision, List<PciBar> bars) {
        if (bars.size() > 6) {
            throw new IllegalArgumentException("a type 0 header has 6 BARs");
        }
        this.bars = List.copyOf(bars);
        put(resetConfig, 0x00, vendor, 2);
        put(resetConfig, 0x02, device, 2);
        put(resetConfig, 0x08, revision | classCode << 8, 4);
        put(resetConfig, 0x2c, SUBSYSTEM_VENDOR | SUBSYSTEM_ID << 16, 4);
        put(writable, COMMAND, 0x0507, 2);
        writable[0x0c] = (byte) 0xff; // cache line size
        writable[0x3c] = (byte) 0xff; // interrupt line
        for (int n = 0; n < this.bars.size(); n++) {
            PciBar b = this.bars.get(n);
            put(resetConfig, BAR0 + 4 * n, b.flags(), 4);
            put(writable, BAR0 + 4 * n, -b.size(), 4);
        }
        System.arraycopy(resetConfig, 0, config, 0, CONFIG_SIZE);
    }

    public final List<PciBar> bars() {
        return bars;
    }

    /** Reads {@code size} (1, 2 or 4) bytes little-endian at {@code offset}; all-ones beyond the 256 bytes. */
    public final int readConfig(int offset, int size) {
        int v = 0;
        for (int i = size - 1; i >= 0; i--) {
            int o = offset + i;
            v = v << 8 | (o < CONFIG_SIZE ? config[o] & 0xff : 0xff);
        }
        return v;
    }

    /** Writes the writable bits of {@code size} bytes at {@code offset}; the rest of the header ignores writes. */
    public final void writeConfig(int offset, int size, int value) {
        for (int i = 0; i < size && offset + i < CONFIG_SIZE; i++) {
            int o = offset + i;
            int mask = writable[o] & 0xff;
            config[o] = (byte) ((config[o] & ~mask) | (value >>> (8 * i) & mask));
        }
    }

    /**
     * Where BAR {@code n} decodes now, as an address in its space (PCI memory or PCI I/O), or -1 when it does not:
     * its space disabled in COMMAND, or (as QEMU decides) an address range that wraps, ends at or beyond 4 GiB, or,
     * for memory, starts at 0.
     */
    public final long decodedAddress(int n) {
        PciBar b = bars.get(n);
        boolean io = b.space() == PciBar.Space.IO;
        if ((readConfig(COMMAND, 2) & (io ? COMMAND_IO : COMMAND_MEMORY)) == 0) {
            return -1;
        }
        long base = readConfig(BAR0 + 4 * n, 4) & 0xffff_ffffL & -(long) b.size();
        long last = base + b.size() - 1;
        if ((!io && base == 0) || last >= 0xffff_ffffL) {
            return -1;
        }
        return base;
    }

    /** The registers behind BAR {@code n}, at offsets from its assigned address. */
    protected abstract MmioHandler barRegisters(int n);

    /** Back to the reset values of the header and of the function's own state. */
    public final void reset() {
        System.arraycopy(resetConfig, 0, config, 0, CONFIG_SIZE);
        resetFunction();
    }

    /** Resets state beyond the configuration header; nothing by default. */
    protected void resetFunction() {
    }

    private static void put(byte[] to, int offset, int value, int size) {
        for (int i = 0; i < size; i++) {
            to[offset + i] = (byte) (value >>> (8 * i));
        }
    }

    @Override
    public String toString() {
        return String.format("[%04x:%04x]", readConfig(0, 2), readConfig(2, 2)) ;
    }
}
