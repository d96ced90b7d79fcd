package dev.armature.machine;

import dev.armature.accel.CpuExecutor;
import dev.armature.accel.interp.Interpreter;
import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.DecodeCache;
import dev.armature.vm.MpState;
import dev.armature.vm.Vcpu;

import java.lang.management.ManagementFactory;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The host thread of one vCPU: the VMM's side of a {@link Vcpu}, as QEMU's vCPU threads are to KVM's vCPUs. It
 * calls {@link Vcpu#run(CpuExecutor, long)} (KVM_RUN) in slices of {@link #BUDGET} instructions with the
 * VM's accelerator (or the debugger's single-stepper, or the {@code -d in_asm} tracer), checking between
 * slices whether it must stop, and parks while the vCPU is powered off (WFI parks inside the instruction).
 * The vCPU itself — registers, power state, resets — is the VM API's.
 */
final class VcpuThread implements Runnable {
    /** Instructions per slice: large enough to amortise the checks, small enough to stop promptly. */
    static final long BUDGET = 1 << 16;

    private final Vcpu vcpu;
    private final Machine machine;
    private final DecodeCache decodeCache;
    private final DebugLog log;
    private final Set<Long> seenPcs;

    private Thread thread;
    private long retired;
    /** CPU time of this vCPU's threads that have finished (for -d summary: MIPS independent of host load). */
    private long cpuNanos;

    VcpuThread(Vcpu vcpu, Machine machine, DecodeCache decodeCache, DebugLog log) {
        this.vcpu = vcpu;
        this.machine = machine;
        this.decodeCache = decodeCache;
        this.log = log;
        this.seenPcs = log.on(DebugLog.Item.IN_ASM) ? ConcurrentHashMap.newKeySet() : null;
    }

    int index() {
        return vcpu.index();
    }

    Vcpu vcpu() {
        return vcpu;
    }

    Cpu cpu() {
        return vcpu.cpu();
    }

    boolean isOn() {
        return vcpu.getMpState() == MpState.RUNNABLE;
    }

    synchronized long instructions() {
        return retired;
    }

    /** CPU time used by this vCPU's finished threads, in nanoseconds. */
    synchronized long cpuNanos() {
        return cpuNanos;
    }

    /** A Cpu in the reset state for this vCPU, for a snapshot restore to fill in. */
    Cpu newCpu() {
        return vcpu.newCpu();
    }

    /**
     * Snapshot restore, with the thread stopped: installs {@code fresh} (wired as a reset wires it), applies the
     * saved {@code state} to it, and sets the power state (MP_STATE RUNNABLE = on).
     */
    void restore(Cpu fresh, Runnable state, boolean powerOn) {
        vcpu.install(fresh);
        state.run();
        vcpu.setMpState(powerOn ? MpState.RUNNABLE : MpState.STOPPED);
        wake();
    }

    /** Wakes the thread if it is parked while powered off (after a power-on, or to stop). */
    synchronized void wake() {
        notifyAll();
    }

    void start() {
        thread = Thread.ofPlatform().name("vcpu-" + index()).daemon(true).start(this);
    }

    /** Asks the thread to finish and waits for it. */
    void stop() throws InterruptedException {
        wake();
        vcpu.requestExit();
        if (thread != null) {
            thread.join();
            thread = null;
        }
    }

    @Override
    public void run() {
        // -d in_asm needs instruction-by-instruction execution: it always interprets.
        Interpreter interp = new Interpreter(decodeCache);
        CpuExecutor executor = seenPcs == null ? machine.newExecutor() : interp;
        CpuExecutor traced = seenPcs == null ? null : tracer(interp);
        MachineControl control = machine.control();
        int shift = machine.icountShift();
        long retiredBefore = instructions();
        Cpu counted = null;
        try {
            while (!machine.stopping()) {
                synchronized (this) {
                    while (!isOn() && !machine.stopping()) {
                        wait();
                    }
                }
                if (machine.stopping()) {
                    break;
                }
                MachineControl.Action action = control.enter(index());
                if (action == null) {
                    break;
                }
                try {
                    Cpu c = vcpu.cpu();
                    long budget = BUDGET;
                    if (shift >= 0) {
                        if (c != counted) { // reset or powered on again: a fresh Cpu, the same count
                            c.sys.timer.counter().setDeterministic(
                                    () -> retiredBefore + executor.instructionsNow(c), 1L << shift);
                            counted = c;
                        }
                        budget = icountSlice(c, shift);
                    }
                    control.arm(c);
                    long before = executor.instructions();
                    CpuExecutor how = control.debugging(action) ? debugger(control, interp, action)
                            : traced != null ? traced : executor;
                    vcpu.run(how, budget);
                    synchronized (this) {
                        retired += executor.instructions() - before;
                    }
                    if (shift >= 0) {
                        c.sys.timer.update(); // deterministic time has no alarms: deadlines are seen here
                    }
                } finally {
                    control.leave(index());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            machine.vcpuFailed(index(), vcpu.cpu().pc, e);
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

    /** A slice under the debugger: breakpoints, watchpoints, single steps. */
    private CpuExecutor debugger(MachineControl control, Interpreter interp, MachineControl.Action action) {
        return new CpuExecutor() {
            @Override
            public boolean run(Cpu cpu, long budget) {
                return control.runDebug(index(), interp, cpu, action, budget);
            }

            @Override
            public long instructions() {
                return interp.instructions();
            }

            @Override
            public long instructionsNow(Cpu cpu) {
                return interp.instructionsNow(cpu);
            }
        };
    }

    /** {@code -d in_asm}: logs each instruction address the first time this vCPU executes it. */
    private CpuExecutor tracer(Interpreter interp) {
        return new CpuExecutor() {
            @Override
            public boolean run(Cpu c, long budget) {
                for (long n = 0; n < budget; n++) {
                    long pc = c.pc;
                    if (seenPcs.add(pc)) {
                        String text;
                        try {
                            text = decodeCache.get(c.memory.fetch(pc)).toString();
                        } catch (RuntimeException e) {
                            text = "<not fetchable>";
                        }
                        log.log(String.format("IN: cpu %d 0x%016x: %s", index(), pc, text));
                    }
                    if (interp.run(c, 1)) {
                        return true;
                    }
                }
                return false;
            }

            @Override
            public long instructions() {
                return interp.instructions();
            }

            @Override
            public long instructionsNow(Cpu cpu) {
                return interp.instructionsNow(cpu);
            }
        };
    }
}
