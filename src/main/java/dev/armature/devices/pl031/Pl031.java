package dev.armature.devices.pl031;

import dev.armature.devices.InterruptLine;
import dev.armature.memory.MmioHandler;
import dev.armature.migration.Snapshottable;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Arm PrimeCell real-time clock (PL031, ARM DDI 0224), the {@code virt} board's RTC: a 32-bit seconds counter
 * with a match interrupt.
 *
 * <p>Behaviour as QEMU 7.2's, probed on its {@code virt} board: the counter starts at the host's UTC time in
 * seconds since the epoch and always runs; RTCCR reads 1 and ignores writes; writing RTCLR sets the counter and
 * RTCLR reads back the value written; RTCRIS is set when the counter equals RTCMR (checked when RTCMR or RTCLR
 * is written and when the counter reaches RTCMR) and cleared by RTCICR; the output line is RTCMIS =
 * RTCRIS &amp; RTCIMSC. Other offsets read as zero and ignore writes.
 */
public final class Pl031 implements MmioHandler, Snapshottable {
    public static final int DR = 0x000;
    public static final int MR = 0x004;
    public static final int LR = 0x008;
    public static final int CR = 0x00c;
    public static final int IMSC = 0x010;
    public static final int RIS = 0x014;
    public static final int MIS = 0x018;
    public static final int ICR = 0x01c;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** RTCPeriphID0..3 (part 0x031, designer Arm, revision 1) then RTCPCellID0..3, at 0xFE0..0xFFC. */
    private static final int[] ID = {0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

    private static final ScheduledExecutorService ALARMS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "armature-rtc-alarm");
        t.setDaemon(true);
        return t;
    });

    private final InterruptLine irq;
    private final LongSupplier nanos;

    /** The counter was {@code base} at {@code baseNanos}. */
    private long base;
    private long baseNanos;
    private int lr;
    private int mr;
    private int imsc;
    private int ris;
    private boolean irqLevel;
    private ScheduledFuture<?> alarm;

    /** A RTC reading the host's wall-clock time, as QEMU's default {@code -rtc base=utc}. */
    public Pl031(InterruptLine irq) {
        this(irq, System::nanoTime, System.currentTimeMillis() / 1000);
    }

    /**
     * @param irq          the RTC's interrupt wire (SPI 2 on {@code virt})
     * @param nanos        a monotonic clock in nanoseconds
     * @param startSeconds the counter's value now
     */
    public Pl031(InterruptLine irq, LongSupplier nanos, long startSeconds) {
        this.irq = irq;
        this.nanos = nanos;
        base = startSeconds;
        baseNanos = nanos.getAsLong();
    }

    /** System reset: the interrupt state resets; the counter, like a battery-backed clock, keeps running. */
    public synchronized void reset() {
        mr = 0;
        imsc = 0;
        ris = 0;
        cancelAlarm();
        updateIrq();
    }

    @Override
    public synchronized long read(long offset, int size) {
        int off = (int) offset;
        if (off >= 0xfe0 && off <= 0xffc && (off & 3) == 0) {
            return ID[(off - 0xfe0) >> 2];
        }
        return switch (off) {
            case DR -> counter() & 0xffff_ffffL;
            case MR -> mr & 0xffff_ffffL;
            case LR -> lr & 0xffff_ffffL;
            case CR -> 1;
            case IMSC -> imsc;
            case RIS -> ris;
            case MIS -> ris & imsc;
            default -> 0;
        };
    }

    @Override
    public synchronized void write(long offset, int size, long value) {
        switch ((int) offset) {
            case MR -> {
                mr = (int) value;
                checkMatch();
            }
            case LR -> {
                lr = (int) value;
                base = value & 0xffff_ffffL;
                baseNanos = nanos.getAsLong();
                checkMatch();
            }
            case IMSC -> {
                imsc = (int) value & 1;
                updateIrq();
            }
            case ICR -> {
                ris &= ~(int) value & 1;
                updateIrq();
            }
            default -> {
                // DR, CR, RIS, MIS and unassigned offsets are read-only or ignore writes (CR: as on QEMU)
            }
        }
    }

    /**
     * Snapshot: the counter, the host's UTC time in milliseconds when saved, then RTCLR, RTCMR, RTCIMSC, RTCRIS.
     * A restored counter has moved on by the wall-clock time between save and restore, as a battery-backed clock
     * would (QEMU keeps the RTC's offset from the host clock the same way).
     */
    @Override
    public synchronized void saveState(DataOutput out) throws IOException {
        out.writeLong(counter());
        out.writeLong(System.currentTimeMillis());
        out.writeInt(lr);
        out.writeInt(mr);
        out.writeInt(imsc);
        out.writeInt(ris);
    }

    @Override
    public Runnable loadState(DataInput in) throws IOException {
        long count = in.readLong();
        long savedMillis = in.readLong();
        int l = in.readInt();
        int m = in.readInt();
        int im = in.readInt();
        int r = in.readInt();
        if ((im & ~1) != 0 || (r & ~1) != 0) {
            throw new IOException(String.format("RTCIMSC 0x%x or RTCRIS 0x%x has bits other than bit 0", im, r));
        }
        return () -> {
            synchronized (this) {
                base = count + Math.max(0, System.currentTimeMillis() - savedMillis) / 1000;
                baseNanos = nanos.getAsLong();
                lr = l;
                mr = m;
                imsc = im;
                ris = r;
                checkMatch(); // re-arms the alarm and drives the wire
                updateIrq();
            }
        };
    }

    /** Re-evaluates the match now (the alarm's action; tests call it after moving their clock). */
    synchronized void checkMatch() {
        long now = nanos.getAsLong();
        long count = counter(now);
        if ((int) count == mr) {
            ris = 1;
            updateIrq();
        }
        cancelAlarm();
        long secondsToMatch = (mr - count) & 0xffff_ffffL;
        if (secondsToMatch != 0) {
            // Wake when the counter reaches MR: the next whole second boundary plus the remaining seconds.
            long intoSecond = (now - baseNanos) % NANOS_PER_SECOND;
            long delay = secondsToMatch * NANOS_PER_SECOND - intoSecond;
            alarm = ALARMS.schedule(this::checkMatch, delay, TimeUnit.NANOSECONDS);
        }
    }

    private long counter() {
        return counter(nanos.getAsLong());
    }

    private long counter(long now) {
        return base + Math.floorDiv(now - baseNanos, NANOS_PER_SECOND);
    }

    private void cancelAlarm() {
        if (alarm != null) {
            alarm.cancel(false);
            alarm = null;
        }
    }

    private void updateIrq() {
        boolean level = (ris & imsc) != 0;
        if (level != irqLevel) {
            irqLevel = level;
            irq.set(level);
        }
    }
}
