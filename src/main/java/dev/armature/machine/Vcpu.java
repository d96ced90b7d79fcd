package dev.armature.machine;

import dev.armature.accel.CpuExecutor;
import dev.armature.accel.interp.Interpreter;
import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.CpuMemory;
import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.DecodeCache;
import dev.armature.arch.aarch64.ExceptionHook;
import dev.armature.devices.psci.PowerController;
import dev.armature.devices.psci.Psci;
import dev.armature.memory.BusMaster;
import dev.armature.memory.PhysicalMemory;

import java.lang.management.ManagementFactory;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One virtual CPU and its host thread. The thread runs the interpreter in slices of {@link #BUDGET}
 * instructions, checking between slices whether it must stop; it parks while the vCPU is powered off (WFI
 * parks inside the instruction itself).
 *
 * <p>Each power-on creates a fresh {@link Cpu}, so the vCPU starts from the architectural reset state whatever
 * it ran before (PSCI CPU_ON and system reset both need that).
 */
final class Vcpu implements Runnable {
    /** Instructions per slice: large enough to amortise the checks, small enough to stop promptly. */
    static final long BUDGET = 1 << 16;

    private final int index;
    private final Machine machine;
    private final PhysicalMemory mem;
    private final CpuModel model;
    private final DecodeCache decodeCache;
    private final ExceptionHook hook;
    private final Machine.CpuWiring wiring;
    private final DebugLog log;
    private final Set<Long> seenPcs;

    private Cpu cpu;
    private boolean on;
    private Thread thread;
    private long retired;
    /** CPU time of this vCPU's threads that have finished (for -d summary: MIPS independent of host load). */
    private long cpuNanos;

    Vcpu(int index, Machine machine, PhysicalMemory mem, CpuModel model, DecodeCache decodeCache,
         ExceptionHook hook, Machine.CpuWiring wiring, DebugLog log) {
        this.index = index;
        this.machine = machine;
        this.mem = mem;
        this.model = model;
        this.decodeCache = decodeCache;
        this.hook = hook;
        this.wiring = wiring;
        this.log = log;
        this.seenPcs = log.on(DebugLog.Item.IN_ASM) ? ConcurrentHashMap.newKeySet() : null;
    }

    int index() {
        return index;
    }

    synchronized Cpu cpu() {
        return cpu;
    }

    synchronized boolean isOn() {
        return on;
    }

    synchronized long instructions() {
        return retired;
    }

    /** CPU time used by this vCPU's finished threads, in nanoseconds. */
    synchronized long cpuNanos() {
        return cpuNanos;
    }

    /** Powers on at {@code entry} in ELx h with {@code context} in X0. Returns a PSCI code. */
    synchronized int powerOn(long entry, long context, int el) {
        if (on) {
            return Psci.ALREADY_ON;
        }
        Cpu c = newCpu();
        c.setMode(el, true);
        c.pc = entry;
        c.setX(0, context);
        wiring.attach(index, c, cpu);
        cpu = c;
        on = true;
        notifyAll();
        return Psci.SUCCESS;
    }

    /** A Cpu in the architectural reset state for this vCPU, not yet wired to the board nor running. */
    Cpu newCpu() {
        Cpu c = new Cpu(index, model, new CpuMemory(mem));
        c.exceptionHook = hook;
        return c;
    }

    /**
     * Snapshot restore, with the thread stopped: wires {@code fresh} in place of the current Cpu, applies the
     * saved {@code state} to it, and sets the power state (MP_STATE RUNNABLE = on).
     */
    synchronized void restore(Cpu fresh, Runnable state, boolean powerOn) {
        wiring.attach(index, fresh, cpu);
        state.run();
        cpu = fresh;
        on = powerOn;
        notifyAll();
    }

    /** Powers off; called on this vCPU's own thread (PSCI CPU_OFF) or while the machine is stopped. */
    synchronized void powerOff() {
        on = false;
        if (cpu != null) {
            cpu.requestExit(Cpu.EXIT_STOP);
        }
    }

    synchronized int affinityInfo() {
        return on ? PowerController.AFFINITY_ON : PowerController.AFFINITY_OFF;
    }

    void start() {
        thread = Thread.ofPlatform().name("vcpu-" + index).daemon(true).start(this);
    }

    /** Asks the thread to finish and waits for it. */
    void stop() throws InterruptedException {
        synchronized (this) {
            notifyAll();
            if (cpu != null) {
                cpu.requestExit(Cpu.EXIT_STOP);
            }
        }
        if (thread != null) {
            thread.join();
            thread = null;
        }
    }

    @Override
    public void run() {
        BusMaster.set(index); // banked device registers (the GIC's) see which vCPU accesses them
        // -d in_asm needs instruction-by-instruction execution: it always interprets.
        Interpreter interp = new Interpreter(decodeCache);
        CpuExecutor executor = seenPcs == null ? machine.newExecutor() : interp;
        MachineControl control = machine.control();
        int shift = machine.icountShift();
        long retiredBefore = instructions();
        Cpu counted = null;
        Cpu c = null;
        try {
            while (!machine.stopping()) {
                synchronized (this) {
                    while (!on && !machine.stopping()) {
                        wait();
                    }
                    c = cpu;
                }
                if (machine.stopping()) {
                    break;
                }
                MachineControl.Action action = control.enter(index);
                if (action == null) {
                    break;
                }
                boolean stopped;
                long budget = BUDGET;
                if (shift >= 0) {
                    if (c != counted) { // powered on again: a fresh Cpu, the same count
                        Cpu now = c;
                        now.sys.timer.counter().setDeterministic(
                                () -> retiredBefore + executor.instructionsNow(now), 1L << shift);
                        counted = c;
                    }
                    budget = icountSlice(c, shift);
                }
                try {
                    control.arm(c);
                    long before = executor.instructions();
                    stopped = control.debugging(action) ? control.runDebug(index, interp, c, action, budget)
                            : seenPcs == null ? executor.run(c, budget) : traced(interp, c);
                    synchronized (this) {
                        retired += executor.instructions() - before;
                    }
                    if (shift >= 0) {
                        c.sys.timer.update(); // deterministic time has no alarms: deadlines are seen here
                    }
                } finally {
                    control.leave(index);
                }
                if (stopped) {
                    // Consume the stop (its reason, power off or machine stop, is in our own state) but keep
                    // any other request that raced with it, such as a pending interrupt.
                    int others = c.takeExitRequest() & ~Cpu.EXIT_STOP;
                    if (others != 0) {
                        c.requestExit(others);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            machine.vcpuFailed(index, c == null ? -1 : c.pc, e);
        } finally {
            long used = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            synchronized (this) {
                cpuNanos += Math.max(used, 0); // -1 if the JVM cannot measure thread CPU time
            }
        }
    }

    /**
     * With {@code -icount}: instructions until the earliest armed timer deadline (so the slice ends exactly there
     * and its interrupt is taken at the same instruction by either executor), at most {@link #BUDGET}.
     */
    private static long icountSlice(Cpu c, int shift) {
        long nanos = c.sys.timer.nanosUntilNextDeadline();
        if (nanos == 0 || nanos == Long.MAX_VALUE) {
            return BUDGET; // asserted already (the level stays) or nothing armed
        }
        return Math.max(1, Math.min(BUDGET, ((nanos - 1) >>> shift) + 1));
    }

    /** {@code -d in_asm}: logs each instruction address the first time this vCPU executes it. */
    private boolean traced(Interpreter interp, Cpu c) {
        for (long n = 0; n < BUDGET; n++) {
            long pc = c.pc;
            if (seenPcs.add(pc)) {
                String text;
                try {
                    text = decodeCache.get(c.memory.fetch(pc)).toString();
                } catch (RuntimeException e) {
                    text = "<not fetchable>";
                }
                log.log(String.format("IN: cpu %d 0x%016x: %s", index, pc, text));
            }
            if (interp.run(c, 1)) {
                return true;
            }
        }
        return false;
    }
}
