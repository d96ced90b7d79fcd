package dev.armature.devices.dma;

import dev.armature.devices.InterruptLine;
import dev.armature.iommu.DeviceMemory;
import dev.armature.iommu.DmaFault;
import dev.armature.memory.MmioHandler;
import dev.armature.migration.Snapshottable;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A minimal memory-to-memory DMA engine for testing device address spaces: software writes source, destination
 * and length, then GO; the engine copies through its {@link DeviceMemory} (so through its VCM: one-to-one, an
 * SMMU context, ...) and reports DONE or ERROR in STATUS, raising its interrupt if enabled.
 *
 * <p>Registers (32 bits; SRC, DST and FAULT may also be accessed as 64-bit words; narrower writes are ignored):
 * <pre>
 * 0x00 SRC_LO   0x04 SRC_HI    source device address
 * 0x08 DST_LO   0x0C DST_HI    destination device address
 * 0x10 LEN                     bytes to copy
 * 0x14 CTRL     bit 0 GO (write 1 to start; reads 0), bit 1 IRQ_EN
 * 0x18 STATUS   bit 1 DONE, bit 2 ERROR; write 1 to clear (the interrupt follows DONE|ERROR while IRQ_EN)
 * 0x1C ID       reads 0x444D4130 ("DMA0")
 * 0x20 FAULT_LO 0x24 FAULT_HI  device address of the transfer that faulted
 * </pre>
 * The copy runs to completion inside the GO write (the engine is never observably BUSY); a fault stops it where
 * it happened, bytes before that point having been copied.
 */
public final class DmaEngine implements MmioHandler, Snapshottable {
    public static final int SRC = 0x00;
    public static final int DST = 0x08;
    public static final int LEN = 0x10;
    public static final int CTRL = 0x14;
    public static final int STATUS = 0x18;
    public static final int ID = 0x1C;
    public static final int FAULT = 0x20;
    /** Size of the register window. */
    public static final int WINDOW = 0x28;

    public static final int CTRL_GO = 1;
    public static final int CTRL_IRQ_EN = 1 << 1;
    public static final int STATUS_DONE = 1 << 1;
    public static final int STATUS_ERROR = 1 << 2;
    public static final int ID_VALUE = 0x444D_4130;

    private static final int CHUNK = 4096;

    private final DeviceMemory memory;
    private final InterruptLine irq;
    private long src;
    private long dst;
    private int len;
    private int ctrl;
    private int status;
    private long fault;

    public DmaEngine(DeviceMemory memory, InterruptLine irq) {
        this.memory = memory;
        this.irq = irq;
    }

    @Override
    public synchronized long read(long offset, int size) {
        if (size == 8 && (offset & 7) == 0) {
            return word(offset) | word(offset + 4) << 32;
        }
        long w = word(offset & ~3L);
        int shift = (int) (offset & 3) * 8;
        return size >= 4 ? w : (w >>> shift) & ((1L << (size * 8)) - 1);
    }

    private long word(long offset) {
        return switch ((int) offset) {
            case SRC -> src & 0xffff_ffffL;
            case SRC + 4 -> src >>> 32;
            case DST -> dst & 0xffff_ffffL;
            case DST + 4 -> dst >>> 32;
            case LEN -> len & 0xffff_ffffL;
            case CTRL -> ctrl & CTRL_IRQ_EN;
            case STATUS -> status;
            case ID -> ID_VALUE;
            case FAULT -> fault & 0xffff_ffffL;
            case FAULT + 4 -> fault >>> 32;
            default -> 0;
        };
    }

    @Override
    public synchronized void write(long offset, int size, long value) {
        if (size == 8 && (offset & 7) == 0) {
            writeWord(offset, (int) value);
            writeWord(offset + 4, (int) (value >>> 32));
        } else if (size == 4 && (offset & 3) == 0) {
            writeWord(offset, (int) value);
        }
    }

    private void writeWord(long offset, int value) {
        switch ((int) offset) {
            case SRC -> src = (src & ~0xffff_ffffL) | (value & 0xffff_ffffL);
            case SRC + 4 -> src = (src & 0xffff_ffffL) | ((long) value << 32);
            case DST -> dst = (dst & ~0xffff_ffffL) | (value & 0xffff_ffffL);
            case DST + 4 -> dst = (dst & 0xffff_ffffL) | ((long) value << 32);
            case LEN -> len = value;
            case CTRL -> {
                ctrl = value & CTRL_IRQ_EN;
                if ((value & CTRL_GO) != 0) {
                    run();
                }
                updateIrq();
            }
            case STATUS -> {
                status &= ~(value & (STATUS_DONE | STATUS_ERROR));
                updateIrq();
            }
            default -> {
                // read-only or unassigned: ignored
            }
        }
    }

    /** Back to the reset state: registers zero, interrupt deasserted. */
    public synchronized void reset() {
        src = 0;
        dst = 0;
        len = 0;
        ctrl = 0;
        status = 0;
        fault = 0;
        updateIrq();
    }

    /** Snapshot: SRC, DST, FAULT (u64), LEN, CTRL, STATUS (u32). A copy never spans a snapshot: GO runs it whole. */
    @Override
    public synchronized void saveState(DataOutput out) throws IOException {
        out.writeLong(src);
        out.writeLong(dst);
        out.writeLong(fault);
        out.writeInt(len);
        out.writeInt(ctrl);
        out.writeInt(status);
    }

    @Override
    public Runnable loadState(DataInput in) throws IOException {
        long s = in.readLong();
        long d = in.readLong();
        long f = in.readLong();
        int l = in.readInt();
        int c = in.readInt();
        int st = in.readInt();
        if ((c & ~CTRL_IRQ_EN) != 0 || (st & ~(STATUS_DONE | STATUS_ERROR)) != 0) {
            throw new IOException(String.format("CTRL 0x%x or STATUS 0x%x has bits the engine does not keep", c, st));
        }
        return () -> {
            synchronized (this) {
                src = s;
                dst = d;
                fault = f;
                len = l;
                ctrl = c;
                status = st;
                updateIrq();
            }
        };
    }

    private void run() {
        status &= ~(STATUS_DONE | STATUS_ERROR);
        long length = len & 0xffff_ffffL;
        byte[] buf = new byte[(int) Math.min(CHUNK, Math.max(length, 1))];
        try {
            for (long done = 0; done < length; ) {
                int n = (int) Math.min(buf.length, length - done);
                memory.read(src + done, buf, 0, n);
                memory.write(dst + done, buf, 0, n);
                done += n;
            }
            status |= STATUS_DONE;
        } catch (DmaFault f) {
            fault = f.fault().deviceAddress();
            status |= STATUS_ERROR;
        }
    }

    private void updateIrq() {
        irq.set((ctrl & CTRL_IRQ_EN) != 0 && (status & (STATUS_DONE | STATUS_ERROR)) != 0);
    }
}
