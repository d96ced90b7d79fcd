package dev.armature.devices.pci;

import dev.armature.memory.MmioHandler;

import java.util.List;

/**
 * A generic PCIe host bridge with ECAM configuration access, as QEMU's {@code gpex} on the {@code virt} board:
 * one root bus (bus 0) whose slot N holds function N of the list given (slot 0 the host bridge), a memory space
 * reached through CPU windows at the same PCI addresses, and a 64 KiB I/O space reached through one window.
 *
 * <p>ECAM: offset {@code bus << 20 | device << 15 | function << 12 | register}. Absent functions and other
 * buses read all-ones and ignore writes; 8-byte accesses are two 4-byte ones. In the windows, an access that no
 * enabled BAR decodes reads all-ones and its write is dropped, as in QEMU 7.2 (which stopped faulting such
 * accesses in 6.2); an access is decoded by the BAR that holds its first byte and must lie within it.
 *
 * <p>Lock: this host's lock, taken around every access, guards all its functions (see the package).
 */
public final class PciHost {
    /** ECAM space for buses 0-255. */
    public static final long ECAM_SIZE = 256L << 20;
    /** The I/O space's size. */
    public static final long IO_SIZE = 0x1_0000;

    private final Object lock = new Object();
    private final PciFunction[] slots;

    /** A root bus with {@code functions.get(n)} in slot n (function 0), at most 32. */
    public PciHost(List<PciFunction> functions) {
        if (functions.size() > 32) {
            throw new IllegalArgumentException("a PCI bus has 32 slots");
        }
        slots = functions.toArray(PciFunction[]::new);
    }

    /** The function at devfn on bus 0, or null. */
    private PciFunction function(int bus, int devfn) {
        if (bus != 0 || (devfn & 7) != 0 || devfn >> 3 >= slots.length) {
            return null;
        }
        return slots[devfn >> 3];
    }

    /** The ECAM region's registers. */
    public MmioHandler ecam() {
        return new MmioHandler() {
            @Override
            public long read(long offset, int size) {
                if (size == 8) {
                    return (read(offset, 4) & 0xffff_ffffL) | read(offset + 4, 4) << 32;
                }
                PciFunction f = function((int) (offset >>> 20), (int) (offset >>> 12) & 0xff);
                synchronized (lock) {
                    long v = f == null ? -1 : f.readConfig((int) offset & 0xfff, size);
                    return v & mask(size);
                }
            }

            @Override
            public void write(long offset, int size, long value) {
                if (size == 8) {
                    write(offset, 4, value);
                    write(offset + 4, 4, value >>> 32);
                    return;
                }
                PciFunction f = function((int) (offset >>> 20), (int) (offset >>> 12) & 0xff);
                int reg = (int) offset & 0xfff;
                if (f != null && reg < PciFunction.CONFIG_SIZE) {
                    synchronized (lock) {
                        f.writeConfig(reg, size, (int) value);
                    }
                }
            }
        };
    }

    /** A CPU window onto PCI memory space whose offset 0 is PCI address {@code pciBase}. */
    public MmioHandler memoryWindow(long pciBase) {
        return window(PciBar.Space.MEMORY32, pciBase);
    }

    /** The CPU window onto the whole I/O space. */
    public MmioHandler ioWindow() {
        return window(PciBar.Space.IO, 0);
    }

    private MmioHandler window(PciBar.Space space, long pciBase) {
        return new MmioHandler() {
            @Override
            public long read(long offset, int size) {
                synchronized (lock) {
                    Decoded d = decode(space, pciBase + offset, size);
                    return d == null ? mask(size) : d.registers.read(d.offset, size);
                }
            }

            @Override
            public void write(long offset, int size, long value) {
                synchronized (lock) {
                    Decoded d = decode(space, pciBase + offset, size);
                    if (d != null) {
                        d.registers.write(d.offset, size, value);
                    }
                }
            }
        };
    }

    private record Decoded(MmioHandler registers, long offset) {
    }

    /** The enabled BAR of {@code space} that holds [address, address + size), or null. */
    private Decoded decode(PciBar.Space space, long address, int size) {
        for (PciFunction f : slots) {
            List<PciBar> bars = f.bars();
            for (int n = 0; n < bars.size(); n++) {
                if (bars.get(n).space() != space) {
                    continue;
                }
                long base = f.decodedAddress(n);
                if (base >= 0 && address >= base && address + size <= base + bars.get(n).size()) {
                    return new Decoded(f.barRegisters(n), address - base);
                }
            }
        }
        return null;
    }

    /** System reset: every function back to its reset state (the guest assigns BARs again). */
    public void reset() {
        synchronized (lock) {
            for (PciFunction f : slots) {
                f.reset();
            }
        }
    }

    private static long mask(int size) {
        return size == 8 ? -1L : (1L << (size * 8)) - 1;
    }
}
