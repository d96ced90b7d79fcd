package dev.armature.devices.gic;

import dev.armature.memory.BusError;
import dev.armature.memory.MmioHandler;

/**
 * A GIC register frame seen as 32-bit words. Turns 1-, 2-, 4- and 8-byte accesses into word reads and
 * byte-masked word writes (8-byte accesses are two words, low first) made under the GIC's lock, for the CPU
 * whose bank the access reaches. Unaligned accesses are bus errors (Device memory never produces them).
 * Reserved and unimplemented offsets read as zero and ignore writes, as the GIC architecture specifies.
 */
abstract class RegisterWindow implements MmioHandler {
    final Gic gic;
    /** Guest physical base of the frame once placed, for error messages; set before the frame is mapped. */
    long base;

    RegisterWindow(Gic gic) {
        this.gic = gic;
    }

    /** Places the frame at {@code base}, as the window the board maps there. */
    final MmioWindow place(String name, long base, long size) {
        this.base = base;
        return new MmioWindow(name, base, size, this);
    }

    /** The CPU whose banked registers an access at {@code offset} reaches. */
    abstract int cpu(long offset);

    /** Reads the word at {@code offset} (4-aligned). */
    abstract int readWord(int cpu, int offset);

    /** Writes the bytes of {@code value} selected by {@code byteMask} to the word at {@code offset}. */
    abstract void writeWord(int cpu, int offset, int value, int byteMask);

    /**
     * Reads the word at {@code offset} without side effects, for userspace: a register whose read changes state
     * (acknowledge) answers what the read would return, and nothing changes. Lock held.
     */
    int peekWord(int cpu, int offset) {
        return readWord(cpu, offset);
    }

    @Override
    public final long read(long offset, int size) {
        checkAligned(offset, size);
        int off = (int) offset;
        synchronized (gic.lock) {
            int cpu = cpu(offset);
            if (size == 8) {
                return (readWord(cpu, off) & 0xffff_ffffL) | ((long) readWord(cpu, off + 4) << 32);
            }
            long word = readWord(cpu, off & ~3) & 0xffff_ffffL;
            return (word >>> ((off & 3) * 8)) & (size == 4 ? 0xffff_ffffL : (1L << (size * 8)) - 1);
        }
    }

    @Override
    public final void write(long offset, int size, long value) {
        checkAligned(offset, size);
        int off = (int) offset;
        synchronized (gic.lock) {
            int cpu = cpu(offset);
            if (size == 8) {
                writeWord(cpu, off, (int) value, -1);
                writeWord(cpu, off + 4, (int) (value >>> 32), -1);
                return;
            }
            writeWord(cpu, off & ~3, (int) (value << ((off & 3) * 8)), Gic.byteMask(off, size));
        }
    }

    private void checkAligned(long offset, int size) {
        if ((offset & (size - 1)) != 0) {
            throw new BusError(base + offset, "unaligned " + size + "-byte GIC register access");
        }
    }

    /** Byte {@code i} (0-3) of an identification register block (PIDR4-7, PIDR0-3, CIDR0-3) at 0x?FD0. */
    static int idRegister(int[] ids, int offsetInBlock) {
        int i = offsetInBlock / 4;
        return i < ids.length ? ids[i] : 0;
    }
}
