package dev.armature.host;

import java.util.List;

/**
 * A programmable periodic timer: every {@code PERIOD} ticks of its clock, while enabled, it counts one event
 * and asserts its interrupt while any event is unacknowledged. Ticks come from {@link #tick}, so tests drive
 * time deterministically. Registers (32-bit):
 * <ul>
 * <li>{@code 0x0 CTRL}: bit 0 enables counting and the interrupt output;</li>
 * <li>{@code 0x4 PERIOD}: ticks per event (the interrupt rate), at least 1;</li>
 * <li>{@code 0x8 EVENTS}: events not yet acknowledged; writing N acknowledges N of them (a handler reads N
 * and writes it back, so events arriving in between are not lost).</li>
 * </ul>
 */
public final class HostTimer extends HostDevice {
    public static final int CTRL = 0x0;
    public static final int PERIOD = 0x4;
    public static final int EVENTS = 0x8;

    private final HostInterruptController.Line irq;
    private boolean enabled;
    private int period = 1;
    private long ticks;
    private int events;
    private long generated;

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
            case CTRL -> enabled ? 1 : 0;
            case PERIOD -> period;
            case EVENTS -> events;
            default -> 0;
        };
    }

    @Override
    public void writeRegister(int offset, int value) {
        synchronized (this) {
            switch (offset) {
                case CTRL -> enabled = (value & 1) != 0;
                case PERIOD -> period = Math.max(1, value);
                case EVENTS -> events -= Math.min(events, Math.max(0, value));
                default -> {
                }
            }
        }
        updateLine();
    }

    /** Advances the timer's clock by {@code n} ticks. */
    public void tick(long n) {
        synchronized (this) {
            if (!enabled) {
                return;
            }
            ticks += n;
            int due = (int) (ticks / period);
            ticks %= period;
            events += due;
            generated += due;
        }
        updateLine();
    }

    /** Events counted since creation. */
    public synchronized long generated() {
        return generated;
    }

    private void updateLine() {
        boolean level;
        synchronized (this) {
            level = enabled && events > 0;
        }
        irq.setLevel(level);
    }
}
