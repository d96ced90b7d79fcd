package dev.armature.devices.pl011;

import dev.armature.devices.InterruptLine;
import dev.armature.memory.MmioHandler;
import dev.armature.migration.Snapshottable;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Arm PrimeCell UART (PL011), as the {@code virt} board's console (ARM DDI 0183, PrimeCell UART PL011 TRM).
 *
 * <p>Transmission is instantaneous: a byte written to UARTDR goes straight to the sink, so the transmit FIFO is
 * always empty (TXFE=1, TXFF=0, BUSY=0), as on QEMU. Received bytes come from {@link #receive} (a background
 * reader) into a 16-entry FIFO (1 entry when LCR_H.FEN is clear); {@link #receive} blocks while it is full, so
 * input is never dropped.
 *
 * <p>Interrupts: RIS bit RX is set while the receive FIFO holds at least the IFLS trigger level, RT (receive
 * timeout) while it holds fewer but is not empty — both clear by themselves when the FIFO drains. TX is set
 * after each transmitted byte (the FIFO passes its trigger level at once) and cleared by a DR write or ICR.
 * The output line is MIS = RIS &amp; IMSC, non-zero.
 */
public final class Pl011 implements MmioHandler, Snapshottable {
    public static final int DR = 0x000;
    public static final int RSR = 0x004;
    public static final int FR = 0x018;
    public static final int ILPR = 0x020;
    public static final int IBRD = 0x024;
    public static final int FBRD = 0x028;
    public static final int LCR_H = 0x02c;
    public static final int CR = 0x030;
    public static final int IFLS = 0x034;
    public static final int IMSC = 0x038;
    public static final int RIS = 0x03c;
    public static final int MIS = 0x040;
    public static final int ICR = 0x044;
    public static final int DMACR = 0x048;

    public static final int FR_BUSY = 1 << 3;
    public static final int FR_RXFE = 1 << 4;
    public static final int FR_TXFF = 1 << 5;
    public static final int FR_RXFF = 1 << 6;
    public static final int FR_TXFE = 1 << 7;

    public static final int INT_RX = 1 << 4;
    public static final int INT_TX = 1 << 5;
    public static final int INT_RT = 1 << 6;

    private static final int LCR_FEN = 1 << 4;
    private static final int FIFO_DEPTH = 16;
    /**
     * UARTPeriphID0..3 (part 0x011, designer Arm 0x41, revision 1: Linux prints "PL011 rev1" as on QEMU) then
     * UARTPCellID0..3, at 0xFE0..0xFFC.
     */
    private static final int[] ID = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

    private final OutputStream sink;
    private final InterruptLine irq;

    private final int[] rxFifo = new int[FIFO_DEPTH];
    private int rxHead;
    private int rxCount;

    private int ilpr;
    private int ibrd;
    private int fbrd;
    private int lcr;
    private int cr;
    private int ifls;
    private int imsc;
    private int txRis;
    private int dmacr;
    private boolean irqLevel;

    /**
     * @param sink where transmitted bytes go (flushed per byte), or null to discard them ({@code -serial none})
     * @param irq  the UART's interrupt wire (SPI 1 on {@code virt})
     */
    public Pl011(OutputStream sink, InterruptLine irq) {
        this.sink = sink;
        this.irq = irq;
        reset();
    }

    /** Reset (power-on and system reset): registers to their reset values, receive FIFO emptied. */
    public synchronized void reset() {
        ilpr = ibrd = fbrd = lcr = imsc = txRis = dmacr = 0;
        cr = 0x300; // TXE | RXE
        ifls = 0x12; // both trigger levels at 1/2
        flushRx();
        updateIrq();
    }

    /** Saves the registers and the receive FIFO (bytes the guest has not read yet). */
    @Override
    public synchronized void saveState(DataOutput out) throws IOException {
        for (int r : new int[] {ilpr, ibrd, fbrd, lcr, cr, ifls, imsc, txRis, dmacr}) {
            out.writeInt(r);
        }
        out.writeInt(rxCount);
        for (int i = 0; i < rxCount; i++) {
            out.writeInt(rxFifo[(rxHead + i) % FIFO_DEPTH]);
        }
    }

    @Override
    public Runnable loadState(DataInput in) throws IOException {
        int[] regs = new int[9];
        for (int i = 0; i < regs.length; i++) {
            regs[i] = in.readInt();
        }
        int count = in.readInt();
        if (count < 0 || count > FIFO_DEPTH) {
            throw new IOException("PL011: " + count + " bytes in a " + FIFO_DEPTH + "-entry receive FIFO");
        }
        int[] fifo = new int[FIFO_DEPTH];
        for (int i = 0; i < count; i++) {
            fifo[i] = in.readInt();
        }
        return () -> {
            synchronized (this) {
                int i = 0;
                ilpr = regs[i++];
                ibrd = regs[i++];
                fbrd = regs[i++];
                lcr = regs[i++];
                cr = regs[i++];
                ifls = regs[i++];
                imsc = regs[i++];
                txRis = regs[i++];
                dmacr = regs[i];
                System.arraycopy(fifo, 0, rxFifo, 0, FIFO_DEPTH);
                rxHead = 0;
                rxCount = count;
                irqLevel = (ris() & imsc) != 0;
                irq.set(irqLevel); // the wire as the restored registers drive it, whatever it was before
                notifyAll(); // receive() may be waiting for room
            }
        };
    }

    @Override
    public synchronized long read(long offset, int size) {
        int off = (int) offset;
        if (off >= 0xfe0 && off <= 0xffc && (off & 3) == 0) {
            return ID[(off - 0xfe0) >> 2];
        }
        return switch (off) {
            case DR -> readData();
            case RSR -> 0; // no framing, parity, break or overrun errors are ever recorded
            case FR -> flags();
            case ILPR -> ilpr;
            case IBRD -> ibrd;
            case FBRD -> fbrd;
            case LCR_H -> lcr;
            case CR -> cr;
            case IFLS -> ifls;
            case IMSC -> imsc;
            case RIS -> ris();
            case MIS -> ris() & imsc;
            case DMACR -> dmacr;
            default -> 0; // ICR and reserved offsets read as zero
        };
    }

    @Override
    public synchronized void write(long offset, int size, long value) {
        int v = (int) value;
        switch ((int) offset) {
            case DR -> transmit(v & 0xff);
            case RSR -> {
                // UARTECR: clears the (always clear) error bits
            }
            case ILPR -> ilpr = v & 0xff;
            case IBRD -> ibrd = v & 0xffff;
            case FBRD -> fbrd = v & 0x3f;
            case LCR_H -> {
                if (((lcr ^ v) & LCR_FEN) != 0) {
                    flushRx(); // changing FIFO mode empties the FIFO (as QEMU does)
                }
                lcr = v & 0xff;
            }
            case CR -> cr = v & 0xffff;
            case IFLS -> ifls = v & 0x3f;
            case IMSC -> imsc = v & 0x7ff;
            case ICR -> txRis &= ~v;
            case DMACR -> dmacr = v & 7;
            default -> {
                // read-only and reserved registers ignore writes
            }
        }
        updateIrq();
    }

    /**
     * Delivers one received byte; blocks while the receive FIFO is full. Called by the console reader thread.
     *
     * @throws InterruptedException if the reader is stopped while waiting
     */
    public synchronized void receive(int b) throws InterruptedException {
        while (rxCount >= depth()) {
            wait();
        }
        rxFifo[(rxHead + rxCount) % FIFO_DEPTH] = b & 0xff;
        rxCount++;
        updateIrq();
    }

    private int readData() {
        if (rxCount == 0) {
            return 0;
        }
        int b = rxFifo[rxHead];
        rxHead = (rxHead + 1) % FIFO_DEPTH;
        rxCount--;
        notifyAll(); // room for the reader
        updateIrq();
        return b;
    }

    private void flushRx() {
        rxCount = 0;
        notifyAll();
    }

    private int depth() {
        return (lcr & LCR_FEN) != 0 ? FIFO_DEPTH : 1;
    }

    private int flags() {
        int f = FR_TXFE;
        if (rxCount == 0) {
            f |= FR_RXFE;
        }
        if (rxCount >= depth()) {
            f |= FR_RXFF;
        }
        return f;
    }

    /** Receive trigger level in entries from IFLS.RXIFLSEL: 1/8, 1/4, 1/2, 3/4, 7/8 of the FIFO. */
    private int rxTrigger() {
        if ((lcr & LCR_FEN) == 0) {
            return 1;
        }
        return switch ((ifls >> 3) & 7) {
            case 0 -> 2;
            case 1 -> 4;
            case 2 -> 8;
            case 3 -> 12;
            default -> 14;
        };
    }

    private int ris() {
        int r = txRis;
        if (rxCount >= rxTrigger()) {
            r |= INT_RX;
        } else if (rxCount > 0) {
            r |= INT_RT;
        }
        return r;
    }

    private void transmit(int b) {
        txRis &= ~INT_TX;
        if (sink != null) {
            try {
                sink.write(b);
                sink.flush();
            } catch (IOException e) {
                // A closed console (e.g. a broken pipe) loses output, like a disconnected serial line.
            }
        }
        txRis |= INT_TX;
    }

    private void updateIrq() {
        boolean level = (ris() & imsc) != 0;
        if (level != irqLevel) {
            irqLevel = level;
            irq.set(level);
        }
    }
}
