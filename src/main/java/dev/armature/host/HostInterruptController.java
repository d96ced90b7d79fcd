package dev.armature.host;

import dev.armature.devices.gic.PhysicalInterrupt;

import java.util.ArrayList;
import java.util.List;

/**
 * The host's interrupt controller: numbered level-sensitive lines, each pending while its input is asserted,
 * active from being taken until deactivated, and maskable. A line is taken when it is asserted, not active,
 * not masked and has a handler; the handler runs outside the controller's lock (it may mask, deactivate or
 * inject into a vGIC, which takes the GIC's lock).
 */
public final class HostInterruptController {
    private final List<Line> lines = new ArrayList<>();

    public HostInterruptController(int count) {
        if (count <= 0) {
            throw new IllegalArgumentException("a host interrupt controller needs at least one line");
        }
        for (int i = 0; i < count; i++) {
            lines.add(new Line(i));
        }
    }

    /** Line {@code n}. */
    public Line line(int n) {
        if (n < 0 || n >= lines.size()) {
            throw new IllegalArgumentException("host interrupt " + n + " does not exist (0.." + (lines.size() - 1)
                    + ")");
        }
        return lines.get(n);
    }

    public int count() {
        return lines.size();
    }

    /** One host interrupt line. */
    public final class Line implements PhysicalInterrupt {
        private final int number;
        private boolean asserted;
        private boolean active;
        private boolean masked;
        private Runnable handler;
        private long taken;

        private Line(int number) {
            this.number = number;
        }

        @Override
        public int number() {
            return number;
        }

        /** Drives the line's input (the device's interrupt output). */
        public void setLevel(boolean level) {
            synchronized (HostInterruptController.this) {
                asserted = level;
            }
            deliver();
        }

        /** Pending: asserted and not active. */
        public boolean isPending() {
            synchronized (HostInterruptController.this) {
                return asserted && !active;
            }
        }

        @Override
        public boolean isActive() {
            synchronized (HostInterruptController.this) {
                return active;
            }
        }

        public boolean isMasked() {
            synchronized (HostInterruptController.this) {
                return masked;
            }
        }

        /** How many times the line has been taken. */
        public long timesTaken() {
            synchronized (HostInterruptController.this) {
                return taken;
            }
        }

        public void mask() {
            synchronized (HostInterruptController.this) {
                masked = true;
            }
        }

        public void unmask() {
            synchronized (HostInterruptController.this) {
                masked = false;
            }
            deliver();
        }

        @Override
        public void deactivate() {
            synchronized (HostInterruptController.this) {
                active = false;
            }
            deliver();
        }

        @Override
        public void setHandler(Runnable newHandler) {
            synchronized (HostInterruptController.this) {
                if (newHandler != null && handler != null) {
                    throw new IllegalStateException("host interrupt " + number + " already has a handler");
                }
                handler = newHandler;
            }
            deliver();
        }

        /** Whether a handler is installed. */
        public boolean hasHandler() {
            synchronized (HostInterruptController.this) {
                return handler != null;
            }
        }

        /** Takes the interrupt if it can be taken, and runs its handler without the lock. */
        private void deliver() {
            Runnable run;
            synchronized (HostInterruptController.this) {
                if (!asserted || active || masked || handler == null) {
                    return;
                }
                active = true;
                taken++;
                run = handler;
            }
            run.run();
        }
    }
}
