package dev.armature.host;

import dev.armature.iommu.DeviceMemory;
import dev.armature.iommu.DmaFault;

import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A programmable periodic timer with a DMA counter: every {@code PERIOD} ticks of its clock, while enabled, it
 * counts one event, writes the running total of events to memory if asked to, and asserts its interrupt while
 * any event is unacknowledged. Ticks come from {@link #tick} (tests drive time deterministically) or, once
 * {@link #runInRealTime} is called, from the host's clock at one tick per microsecond. The interrupt output is
 * asserted while any event is unacknowledged, whether or not the timer still counts. Registers (32-bit):
 * <ul>
 * <li>{@code 0x00 CTRL}: bit 0 enables counting; bit 1 enables the DMA write;</li>
 * <li>{@code 0x04 PERIOD}: ticks per event (the interrupt rate), at least 1;</li>
 * <li>{@code 0x08 EVENTS}: events not yet acknowledged; writing N acknowledges N of them (a handler reads N
 * and writes it back, so events arriving in between are not lost);</li>
 * <li>{@code 0x0c COUNT}: events left before the timer stops by itself (clearing CTRL bit 0); 0 = no limit;</li>
 * <li>{@code 0x10 DMA_LO}, {@code 0x14 DMA_HI}: the device address the DMA write goes to;</li>
 * <li>{@code 0x18 STATUS}: bit 0 DMA fault (the write failed; CTRL bit 1 was cleared); write 1 to clear;</li>
 * <li>{@code 0x1c TOTAL}: events counted since creation (low 32 bits): the value the DMA write stores,
 * little-endian, after each event and before the interrupt is asserted.</li>
 * </ul>
 */
public final class HostTimer extends HostDevice {
    /** The device tree's compatible string for an assigned host timer. */
    public static final String COMPATIBLE = "armature,host-timer";
    public static final int CTRL = 0x00;
    public static final int PERIOD = 0x04;
    public static final int EVENTS = 0x08;
    public static final int COUNT = 0x0c;
    public static final int DMA_LO = 0x10;
    public static final int DMA_HI = 0x14;
    public static final int STATUS = 0x18;
    public static final int TOTAL = 0x1c;
    public static final int CTRL_ENABLE = 1;
    public static final int CTRL_DMA = 2;
    public static final int STATUS_DMA_FAULT = 1;
    private static final long NANOS_PER_TICK = 1000;

    private final HostInterruptController.Line irq;
    private int ctrl;
    private int period = 1;
    private long ticks;
    private int events;
    private int count;
    private long dmaAddress;
    private int status;
    private long generated;
    private boolean realTime;
    /** The thread ticking the timer in real time while it is enabled, or null. */
    private Thread clock;

    public HostTimer(String name, HostInterruptController.Line irq) {
        super(name, List.of(irq));
        this.irq = irq;
    }

    @Override
    public int mmioSize() {
        return 0x1000;
    }

    @Override
    public synchronized int readRegister(int offset) {
        return switch (offset) {
            case CTRL -> ctrl;
            case PERIOD -> period;
            case EVENTS -> events;
            case COUNT -> count;
            case DMA_LO -> (int) dmaAddress;
            case DMA_HI -> (int) (dmaAddress >>> 32);
            case STATUS -> status;
            case TOTAL -> (int) generated;
            default -> 0;
        };
    }

    @Override
    public void writeRegister(int offset, int value) {
        synchronized (this) {
            switch (offset) {
                case CTRL -> {
                    if ((ctrl & CTRL_ENABLE) == 0 && (value & CTRL_ENABLE) != 0) {
                        ticks = 0; // a period starts when the timer is enabled
                    }
                    ctrl = value & (CTRL_ENABLE | CTRL_DMA);
                    startClock();
                }
                case PERIOD -> period = Math.max(1, value);
                case EVENTS -> events -= Math.min(events, Math.max(0, value));
                case COUNT -> count = Math.max(0, value);
                case DMA_LO -> dmaAddress = (dmaAddress & ~0xffff_ffffL) | (value & 0xffff_ffffL);
                case DMA_HI -> dmaAddress = (dmaAddress & 0xffff_ffffL) | ((long) value << 32);
                case STATUS -> status &= ~value;
                default -> {
                }
            }
        }
        updateLine();
    }

    /** Advances the timer's clock by {@code n} ticks. */
    public void tick(long n) {
        long total;
        long address;
        synchronized (this) {
            if ((ctrl & CTRL_ENABLE) == 0) {
                return;
            }
            ticks += n;
            long due = ticks / period;
            ticks %= period;
            if (count > 0 && due >= count) {
                due = count;
                ctrl &= ~CTRL_ENABLE;
            }
            if (count > 0) {
                count -= (int) due;
            }
            if (due == 0) {
                return;
            }
            events += (int) due;
            generated += due;
            total = generated;
            address = (ctrl & CTRL_DMA) != 0 ? dmaAddress : -1;
        }
        if (address != -1) {
            writeTotal(address, total);
        }
        updateLine();
    }

    /** Ticks the timer from the host's clock (one tick per microsecond) whenever it is enabled, until closed. */
    public synchronized void runInRealTime() {
        realTime = true;
        startClock();
    }

    /** Registers back to their reset values (the event total and the real-time clock stay). */
    @Override
    public void reset() {
        synchronized (this) {
            ctrl = 0;
            period = 1;
            ticks = 0;
            events = 0;
            count = 0;
            dmaAddress = 0;
            status = 0;
        }
        updateLine();
    }

    /** Resets the timer and stops its real-time clock. */
    public void stop() {
        synchronized (this) {
            realTime = false;
        }
        reset();
    }

    /** Events counted since creation. */
    public synchronized long generated() {
        return generated;
    }

    /** The DMA write of the running total; a fault stops DMA and is reported in STATUS, as hardware would. */
    private void writeTotal(long address, long total) {
        DeviceMemory memory = dma();
        try {
            if (memory != null) {
                memory.write(address, 4, total);
                return;
            }
        } catch (DmaFault f) {
            // an unconnected port faults the same way: reported below
        }
        synchronized (this) {
            ctrl &= ~CTRL_DMA;
            status |= STATUS_DMA_FAULT;
        }
    }

    /** Starts the real-time clock thread if the timer runs in real time, is enabled and has none. Lock held. */
    private void startClock() {
        if (realTime && (ctrl & CTRL_ENABLE) != 0 && clock == null) {
            clock = Thread.ofVirtual().name(name() + "-clock").start(this::runClock);
        }
    }

    /** One event per period of real time while enabled; the thread ends when the timer is disabled. */
    private void runClock() {
        while (true) {
            int p;
            synchronized (this) {
                if (!realTime || (ctrl & CTRL_ENABLE) == 0) {
                    clock = null;
                    return;
                }
                p = period;
            }
            LockSupport.parkNanos(p * NANOS_PER_TICK);
            tick(p);
        }
    }

    private void updateLine() {
        boolean level;
        synchronized (this) {
            level = events > 0;
        }
        irq.setLevel(level);
    }
}
