package dev.armature.arch.aarch64;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.concurrent.ScheduledFuture;

/**
 * One vCPU's generic timer (Arm ARM D11): the EL1 physical timer (CNTP_*), the virtual timer (CNTV_*, offset by
 * CNTVOFF_EL2) and, with EL2, the EL2 physical timer (CNTHP_*), plus the EL0/EL1 access controls CNTKCTL_EL1 and
 * CNTHCTL_EL2.
 *
 * <p>Each timer drives a level-sensitive output, asserted while ENABLE=1, IMASK=0 and the count has reached
 * CVAL. Output changes are reported to a {@link Listener} (the interrupt controller, PPIs 27/30/26) from the
 * thread that noticed them: the vCPU thread after a register write or {@link #update()}, or the shared alarm
 * thread when a deadline passes in host-time mode. The listener must be thread-safe, and is called with this
 * timer's lock held (so levels arrive in order): it must not call {@link #update()} while holding a lock that its
 * own {@code timerLevelChanged} takes; it may read {@link #virtualTimerAsserted()} and friends, which take no lock.
 */
public final class GenericTimer {
    public static final int INTID_HYP = 26;
    public static final int INTID_VIRTUAL = 27;
    public static final int INTID_PHYSICAL = 30;

    static final long CTL_ENABLE = 1;
    static final long CTL_IMASK = 2;
    static final long CTL_ISTATUS = 4;

    /** Receives timer output level changes. */
    @FunctionalInterface
    public interface Listener {
        void timerLevelChanged(int intid, boolean asserted);
    }

    /** One timer: control and compare value; its count is the physical count minus {@link #offset()}. */
    public final class Timer {
        public final int intid;
        private final boolean virtual;
        private volatile long ctl;
        private volatile long cval;
        private boolean reported;

        Timer(int intid, boolean virtual) {
            this.intid = intid;
            this.virtual = virtual;
        }

        long offset() {
            return virtual ? cntvoff : 0;
        }

        public long count() {
            return counter.count() - offset();
        }

        /** CNTx_CTL: ENABLE, IMASK as written; ISTATUS computed. */
        public long ctl() {
            long c = ctl;
            return conditionMet(c, count()) ? c | CTL_ISTATUS : c;
        }

        public void setCtl(long value) {
            ctl = value & (CTL_ENABLE | CTL_IMASK);
            update();
        }

        public long cval() {
            return cval;
        }

        public void setCval(long value) {
            cval = value;
            update();
        }

        /** CNTx_TVAL: CVAL − count as a signed 32-bit value (bits 63:32 read as zero). */
        public long tval() {
            return (cval - count()) & 0xffff_ffffL;
        }

        public void setTval(long value) {
            cval = count() + (int) value;
            update();
        }

        private boolean conditionMet(long c, long now) {
            return (c & CTL_ENABLE) != 0 && Long.compareUnsigned(now, cval) >= 0;
        }

        /** The output: the timer condition is met and not masked. */
        public boolean asserted() {
            long c = ctl;
            return (c & CTL_IMASK) == 0 && conditionMet(c, count());
        }

        /** Nanoseconds until this timer's output rises, 0 if asserted, MAX_VALUE if it never will as set. */
        long nanosUntilAsserted() {
            long c = ctl;
            if ((c & CTL_ENABLE) == 0 || (c & CTL_IMASK) != 0) {
                return Long.MAX_VALUE;
            }
            long now = count();
            if (Long.compareUnsigned(now, cval) >= 0) {
                return 0;
            }
            long ticks = cval - now;
            return ticks > Long.MAX_VALUE / SystemCounter.NANOS_PER_TICK ? Long.MAX_VALUE
                    : ticks * SystemCounter.NANOS_PER_TICK;
        }
    }

    private volatile SystemCounter counter;
    private Listener listener;
    private ScheduledFuture<?> alarm;

    public final Timer physical = new Timer(INTID_PHYSICAL, false);
    public final Timer virtual = new Timer(INTID_VIRTUAL, true);
    public final Timer hyp = new Timer(INTID_HYP, false);

    volatile long cntvoff;
    /** CNTKCTL_EL1: EL0PCTEN(0) EL0VCTEN(1) EVNTEN(2) EVNTDIR(3) EVNTI(7:4) EL0VTEN(8) EL0PTEN(9). */
    long cntkctl;
    /** CNTHCTL_EL2: EL1PCTEN(0) EL1PCEN(1) ...; resets to 3 (EL1 access allowed), as QEMU 7.2 shows. */
    long cnthctl = 3;

    public GenericTimer(SystemCounter counter) {
        this.counter = counter;
    }

    public SystemCounter counter() {
        return counter;
    }

    /** Attaches the VM-wide counter (the board gives every vCPU the same one). */
    public void setCounter(SystemCounter counter) {
        this.counter = counter;
        update();
    }

    public synchronized void setListener(Listener listener) {
        this.listener = listener;
        physical.reported = virtual.reported = hyp.reported = false;
        update();
    }

    /** Reset: timers disabled, CVALs and offsets zero, access controls at their reset values. */
    void reset() {
        for (Timer t : new Timer[] {physical, virtual, hyp}) {
            t.ctl = 0;
            t.cval = 0;
        }
        cntvoff = 0;
        cntkctl = 0;
        cnthctl = 3;
        update();
    }

    /**
     * Saves the access controls, CNTVOFF_EL2 and each timer's CTL (ENABLE, IMASK) and CVAL. CVALs are absolute
     * counts: a restore also restores the VM's counter ({@link SystemCounter#setCount}), so each timer stays
     * as far from firing as it was.
     */
    public void saveState(DataOutput out) throws IOException {
        out.writeLong(cntkctl);
        out.writeLong(cnthctl);
        out.writeLong(cntvoff);
        for (Timer t : new Timer[] {physical, virtual, hyp}) {
            out.writeLong(t.ctl);
            out.writeLong(t.cval);
        }
    }

    /** Reads a {@link #saveState} record without changing this timer; the returned action applies it. */
    public Runnable loadState(DataInput in) throws IOException {
        long kctl = in.readLong();
        long hctl = in.readLong();
        long voff = in.readLong();
        long[] ctlCval = new long[6];
        for (int i = 0; i < ctlCval.length; i++) {
            ctlCval[i] = in.readLong();
        }
        return () -> {
            synchronized (this) {
                cntkctl = kctl & 0x3ff;
                cnthctl = hctl & 0xff;
                cntvoff = voff;
                Timer[] timers = {physical, virtual, hyp};
                for (int i = 0; i < timers.length; i++) {
                    timers[i].ctl = ctlCval[2 * i] & (CTL_ENABLE | CTL_IMASK);
                    timers[i].cval = ctlCval[2 * i + 1];
                }
            }
            update();
        };
    }

    public long physicalCount() {
        return counter.count();
    }

    public long virtualCount() {
        return counter.count() - cntvoff;
    }

    public boolean virtualTimerAsserted() {
        return virtual.asserted();
    }

    public boolean physicalTimerAsserted() {
        return physical.asserted();
    }

    public boolean hypTimerAsserted() {
        return hyp.asserted();
    }

    /**
     * Time until the earliest timer output rises, for a WFI timeout: 0 if one is asserted now (do not wait),
     * {@code Long.MAX_VALUE} if none is armed. In deterministic mode this is virtual time: the caller should
     * advance instructions rather than sleep.
     */
    public long nanosUntilNextDeadline() {
        return Math.min(physical.nanosUntilAsserted(), Math.min(virtual.nanosUntilAsserted(),
                hyp.nanosUntilAsserted()));
    }

    /**
     * Re-evaluates the outputs, reports changes to the listener, and (in host-time mode) arms an alarm for the
     * next deadline. Any thread.
     */
    public synchronized void update() {
        Listener l = listener;
        long wait = Long.MAX_VALUE;
        for (Timer t : new Timer[] {physical, virtual, hyp}) {
            // One reading of the count decides both the level and the alarm: with two, a deadline passing
            // between them would leave the output unreported and no alarm armed (a lost interrupt).
            long untilAsserted = t.nanosUntilAsserted();
            boolean level = untilAsserted == 0;
            if (!level) {
                wait = Math.min(wait, untilAsserted); // an asserted timer must not keep the others' alarm off
            }
            if (level != t.reported) {
                t.reported = level;
                if (l != null) {
                    l.timerLevelChanged(t.intid, level);
                }
            }
        }
        if (alarm != null) {
            alarm.cancel(false);
            alarm = null;
        }
        if (wait != Long.MAX_VALUE && !counter.isDeterministic()) {
            alarm = counter.schedule(this::update, wait);
        }
    }
}
