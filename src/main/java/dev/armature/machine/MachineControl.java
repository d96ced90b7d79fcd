package dev.armature.machine;

import dev.armature.accel.interp.Interpreter;
import dev.armature.arch.aarch64.AccessWatch;
import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.CpuMemory;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Run control for debuggers and monitors (the GDB stub and QMP): all-stop pause of every vCPU at an
 * instruction boundary, resume with a per-vCPU action (continue, single-step, stay stopped), breakpoints and
 * watchpoints.
 *
 * <p><b>Scheme.</b> Each vCPU thread passes {@link #enter} before every execution slice and blocks there while
 * the machine is paused. A vCPU runs its normal executor (translator or interpreter) only while no breakpoint,
 * watchpoint or step concerns it; otherwise the slice runs under the interpreter one instruction at a time
 * ({@link #runDebug}), checking the PC against the breakpoints before each instruction. So translated code never
 * needs breakpoint checks or retranslation. Watchpoints are observed through the {@link CpuMemory}'s
 * {@link AccessWatch}, which makes every data access take the slow path; a hit stops the vCPU after the accessing
 * instruction completes (GDB then reports the old and new values).
 *
 * <p>Register and memory access ({@link #cpu}) is only safe while {@link #isStopped()}.
 */
public final class MachineControl {
    /** What a vCPU does when the machine resumes. */
    public enum Action { STAY, STEP, CONTINUE }

    /** Why the machine stopped. */
    public enum Reason {
        /** {@code -S}: not started yet. */
        PRELAUNCH,
        /** The monitor's {@code stop}. */
        MONITOR,
        /** The debugger's attach or interrupt (Ctrl-C). */
        REQUEST,
        BREAKPOINT, STEP, WATCHPOINT
    }

    /** A stop: the vCPU that caused it, and for watchpoints the watched address and kind. */
    public record Stop(int vcpu, Reason reason, long watchAddress, WatchKind watchKind) {
        static Stop of(int vcpu, Reason reason) {
            return new Stop(vcpu, reason, 0, null);
        }
    }

    /** GDB's watchpoint types (Z2, Z3, Z4). */
    public enum WatchKind { WRITE, READ, ACCESS }

    private record Watchpoint(long address, long length, WatchKind kind) {
        boolean hit(long va, int size, int accessKind) {
            boolean overlaps = va < address + length && address < va + size;
            return overlaps && switch (kind) {
                case WRITE -> accessKind == CpuMemory.WRITE;
                case READ -> accessKind == CpuMemory.READ;
                case ACCESS -> true;
            };
        }
    }

    /** Told of every stop (after all vCPUs are stopped) and every resume. Must not block. */
    public interface Listener {
        void stopped(Stop stop);

        void resumed();
    }

    private final Machine machine;
    private final Object lock = new Object();
    private final Action[] actions;
    private final boolean[] inRun;
    private final Stop[] watchHits;
    private boolean paused;
    private boolean announced;
    private Stop pending;
    private long stops;

    private final Set<Long> breakpoints = ConcurrentHashMap.newKeySet();
    private final List<Watchpoint> watchpoints = new CopyOnWriteArrayList<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    /** Set while the debugger itself reads or writes guest memory, so its accesses hit no watchpoint. */
    private volatile boolean debuggerAccess;
    private final AccessWatch watch = this::observe;

    MachineControl(Machine machine, int vcpus) {
        this.machine = machine;
        this.actions = new Action[vcpus];
        this.inRun = new boolean[vcpus];
        this.watchHits = new Stop[vcpus];
        Arrays.fill(actions, Action.CONTINUE);
    }

    public int vcpuCount() {
        return actions.length;
    }

    /** True while vCPU {@code index} is powered on (PSCI AFFINITY_INFO says ON). */
    public boolean isOn(int index) {
        return machine.affinityInfo(index) == dev.armature.devices.psci.PowerController.AFFINITY_ON;
    }

    /** The Cpu of vCPU {@code index}, or null if it was never powered on. */
    public Cpu cpu(int index) {
        return machine.cpu(index);
    }

    /** The guest physical memory map (for {@code info mtree}). */
    public java.util.List<dev.armature.memory.Region> regions() {
        return machine.memory().regions();
    }

    public void addListener(Listener l) {
        listeners.add(l);
    }

    public void removeListener(Listener l) {
        listeners.remove(l);
    }

    /** {@code -S}: the vCPUs wait at their first instruction until the first resume. Call before running. */
    public void startStopped() {
        synchronized (lock) {
            paused = true;
            announced = true;
            pending = Stop.of(0, Reason.PRELAUNCH);
        }
    }

    /** True unless paused (or pausing). */
    public boolean isRunning() {
        synchronized (lock) {
            return !paused;
        }
    }

    /** The stop the machine is in, or null while running. */
    public Stop currentStop() {
        synchronized (lock) {
            return paused ? pending : null;
        }
    }

    /** True once every vCPU has stopped after a pause (registers and memory may then be accessed). */
    public boolean isStopped() {
        synchronized (lock) {
            return paused && quiescent();
        }
    }

    /** Number of stops so far: lets a waiter tell a new stop from the one it resumed from. */
    public long stopCount() {
        synchronized (lock) {
            return stops;
        }
    }

    /** Stops all vCPUs (all-stop) at an instruction boundary and waits until they have; returns the stop. */
    public Stop pause(Reason reason) throws InterruptedException {
        synchronized (lock) {
            if (!paused) {
                paused = true;
                pending = Stop.of(0, reason);
                stops++;
            }
        }
        requestExitAll();
        synchronized (lock) {
            while (!quiescent()) {
                lock.wait();
            }
            announce();
            return pending;
        }
    }

    /**
     * Waits until the machine is stopped by a stop numbered after {@code after} (see {@link #stopCount}) or
     * {@code timeoutMillis} passes; returns the stop or null on timeout.
     */
    public Stop awaitStop(long after, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        synchronized (lock) {
            while (!(stops > after && paused && quiescent())) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return null;
                }
                lock.wait(left);
            }
            return pending;
        }
    }

    /** Resumes every vCPU with its action ({@code actions[i]} for vCPU i). The machine must be stopped. */
    public void resume(Action[] perVcpu) {
        synchronized (lock) {
            System.arraycopy(perVcpu, 0, actions, 0, actions.length);
            paused = false;
            announced = false;
            pending = null;
            lock.notifyAll();
        }
        for (Listener l : listeners) {
            l.resumed();
        }
    }

    /** Resumes every vCPU. */
    public void resumeAll() {
        Action[] all = new Action[actions.length];
        Arrays.fill(all, Action.CONTINUE);
        resume(all);
    }

    public void addBreakpoint(long va) {
        breakpoints.add(va);
    }

    public boolean removeBreakpoint(long va) {
        return breakpoints.remove(va);
    }

    public void addWatchpoint(long va, long length, WatchKind kind) {
        watchpoints.add(new Watchpoint(va, length, kind));
    }

    public boolean removeWatchpoint(long va, long length, WatchKind kind) {
        return watchpoints.remove(new Watchpoint(va, length, kind));
    }

    /** Removes every breakpoint and watchpoint (debugger detach). */
    public void clearDebugPoints() {
        breakpoints.clear();
        watchpoints.clear();
    }

    /**
     * Reads guest memory at {@code va} through vCPU {@code index}'s current translation regime (or at physical
     * address {@code va} when {@code physical}). Only while stopped.
     *
     * @throws IllegalStateException if the address is not readable (translation fault or nothing mapped)
     */
    public byte[] readMemory(int index, long va, int length, boolean physical) {
        byte[] out = new byte[length];
        access(index, va, length, physical, (c, addr, i) -> out[i] = (byte) (physical
                ? machine.memory().read(addr, 1) : c.memory.read(addr, 1)));
        return out;
    }

    /** Writes guest memory like {@link #readMemory} reads it; translated code it overwrites is invalidated. */
    public void writeMemory(int index, long va, byte[] data, boolean physical) {
        access(index, va, data.length, physical, (c, addr, i) -> {
            if (physical) {
                machine.memory().write(addr, 1, data[i]);
            } else {
                c.memory.write(addr, 1, data[i]);
            }
        });
    }

    private interface ByteAccess {
        void apply(Cpu c, long addr, int i);
    }

    private void access(int index, long va, int length, boolean physical, ByteAccess op) {
        Cpu c = machine.cpu(index);
        if (c == null && !physical) {
            c = firstCpu();
        }
        if (c == null && !physical) {
            throw new IllegalStateException("no vCPU has been powered on");
        }
        debuggerAccess = true;
        try {
            for (int i = 0; i < length; i++) {
                op.apply(c, va + i, i);
            }
        } catch (RuntimeException e) { // guest translation faults and bus errors alike
            throw new IllegalStateException("cannot access 0x" + Long.toHexString(va + length) + ": " + e, e);
        } finally {
            debuggerAccess = false;
        }
    }

    private Cpu firstCpu() {
        for (int i = 0; i < actions.length; i++) {
            if (machine.cpu(i) != null) {
                return machine.cpu(i);
            }
        }
        return null;
    }

    // ---- vCPU thread side (VcpuThread) ----

    /**
     * Called by vCPU {@code index}'s thread before each slice: blocks while it must not run. Returns its action,
     * or null if the machine is stopping.
     */
    Action enter(int index) throws InterruptedException {
        synchronized (lock) {
            while (!machine.stopping() && (paused || actions[index] == Action.STAY)) {
                lock.wait();
            }
            if (machine.stopping()) {
                return null;
            }
            inRun[index] = true;
            return actions[index];
        }
    }

    /** Called by vCPU {@code index}'s thread after each slice. */
    void leave(int index) {
        synchronized (lock) {
            inRun[index] = false;
            if (paused && quiescent()) {
                announce();
                lock.notifyAll();
            }
        }
    }

    /** True if the slice must run under {@link #runDebug} rather than the normal executor. */
    boolean debugging(Action action) {
        return action == Action.STEP || !breakpoints.isEmpty() || !watchpoints.isEmpty();
    }

    /** Installs or removes the watchpoint observer on {@code c}'s memory; on the vCPU's own thread. */
    void arm(Cpu c) {
        c.memory.setWatch(watchpoints.isEmpty() ? null : watch);
    }

    /**
     * Runs {@code c} one instruction at a time under {@code interp}: one instruction for a step, else up to
     * {@code budget} instructions, stopping at breakpoints and after watchpoint hits.
     *
     * @return true if stopped (by a debug event or an exit request), false if the budget ran out
     */
    boolean runDebug(int index, Interpreter interp, Cpu c, Action action, long budget) {
        c.executing = true;
        c.memory.serviceFlushRequests(); // as the executors do on entry (TLB shootdown protocol)
        try {
            if (action == Action.STEP) {
                // Interrupts wait until the vCPU runs again, so a step executes the next instruction in program
                // order (as QEMU's default single-step does).
                int kept = c.takeExitRequest() & Cpu.EXIT_INTERRUPT;
                c.memory.serviceFlushRequests();
                interp.step(c);
                c.requestExit(kept);
                Stop hit = takeWatchHit(index);
                stop(hit != null ? hit : Stop.of(index, Reason.STEP));
                return true;
            }
            for (long n = 0; n < budget; n++) {
                if (c.exitRequest != 0 && Interpreter.serviceExitRequest(c)) {
                    return true;
                }
                if (breakpoints.contains(c.pc)) {
                    stop(Stop.of(index, Reason.BREAKPOINT));
                    return true;
                }
                interp.step(c);
                Stop hit = takeWatchHit(index);
                if (hit != null) {
                    stop(hit);
                    return true;
                }
            }
            return false;
        } finally {
            c.executing = false;
        }
    }

    /** Wakes vCPU threads blocked in {@link #enter} (the machine is stopping or resetting). */
    void wake() {
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    private void observe(int cpu, long va, int size, int kind) {
        if (debuggerAccess) {
            return;
        }
        for (Watchpoint w : watchpoints) {
            if (w.hit(va, size, kind)) {
                synchronized (lock) {
                    if (watchHits[cpu] == null) {
                        watchHits[cpu] = new Stop(cpu, Reason.WATCHPOINT, w.address, w.kind);
                    }
                }
                return;
            }
        }
    }

    private Stop takeWatchHit(int index) {
        synchronized (lock) {
            Stop s = watchHits[index];
            watchHits[index] = null;
            return s;
        }
    }

    /** A vCPU stopped itself: stop all the others too. */
    private void stop(Stop s) {
        synchronized (lock) {
            if (!paused) {
                paused = true;
                pending = s;
                stops++;
            }
        }
        requestExitAll();
    }

    private void requestExitAll() {
        for (int i = 0; i < actions.length; i++) {
            Cpu c = machine.cpu(i);
            if (c != null) {
                c.requestExit(Cpu.EXIT_STOP);
            }
        }
    }

    private boolean quiescent() {
        for (boolean r : inRun) {
            if (r) {
                return false;
            }
        }
        return true;
    }

    /** Under the lock: tells listeners of the stop once. */
    private void announce() {
        if (!announced) {
            announced = true;
            for (Listener l : listeners) {
                l.stopped(pending);
            }
        }
    }
}
