package dev.armature.machine;

import dev.armature.accel.Accelerator;
import dev.armature.accel.CpuExecutor;
import dev.armature.accel.interp.InterpreterAccelerator;
import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.DecodeCache;
import dev.armature.arch.aarch64.ExceptionHook;
import dev.armature.devices.psci.PowerController;
import dev.armature.memory.PhysicalMemory;
import dev.armature.migration.BoardConfig;
import dev.armature.migration.SectionId;
import dev.armature.migration.SnapshotException;
import dev.armature.migration.Snapshottable;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.IntToLongFunction;
import java.util.function.LongToIntFunction;

/**
 * A running machine: its vCPUs and their threads, and the events that end or restart a run. Front ends call
 * {@link #run}, which returns the process exit status once the guest powers off (0), exits through the test
 * device (its status), or a vCPU fails on a host error (1).
 *
 * <p>A system reset stops every vCPU thread, asks the board to reload its boot images, and powers on CPU0 at
 * the boot entry with the others off; with {@code noReboot} a reset ends the run with status 0 instead (as
 * QEMU's {@code -no-reboot} does). That holds after a snapshot restore too: a reset goes back to the board's
 * defaults, not to the power states the snapshot carried.
 *
 * <p>Snapshots ({@link #saveSnapshot}, {@link #loadSnapshot}) pause every vCPU thread at an instruction boundary,
 * then resume them; a snapshot loaded before {@link #run} replaces the boot (QEMU's {@code -incoming}).
 */
public final class Machine implements PowerController {
    /** Loads the boot images into RAM (after resetting the devices, on a system reset); returns CPU0's entry. */
    @FunctionalInterface
    public interface Reloader {
        long reload(boolean systemReset);
    }

    /**
     * How the board attaches a freshly powered-on vCPU's {@link Cpu} to the rest of the machine (interrupt
     * controller, timer outputs, MPIDR affinity, TLB shootdown), replacing {@code previous} (null the first time).
     * Called on the thread that powers the vCPU on, before the vCPU runs.
     */
    @FunctionalInterface
    public interface CpuWiring {
        void attach(int index, Cpu fresh, Cpu previous);
    }

    private final List<Vcpu> vcpus = new ArrayList<>();
    private final LongToIntFunction indexOfAffinity;
    private final Reloader reloader;
    private final int bootEl;
    private final boolean noReboot;
    private final DebugLog log;
    private final PhysicalMemory mem;
    private final DecodeCache decodeCache;
    private volatile Accelerator accelerator;
    /** {@code -icount shift=N}: each instruction is 2^N ns of guest time; -1 for host time. */
    private int icountShift = -1;
    private final MachineControl control;

    /** What the board adds to a snapshot; null for a machine without snapshot support. */
    private SnapshotParts snapshotParts;
    /** Held while vCPU threads are started or stopped: run() boundaries and snapshot pauses. */
    private final Object lifecycle = new Object();
    private boolean threadsRunning;
    private boolean paused;
    /** A snapshot was loaded before run(): the first start resumes it instead of booting. */
    private boolean restored;

    private final Object events = new Object();
    private volatile boolean stopping;
    private boolean resetRequested;
    private Integer exitStatus;
    private int resets;

    /**
     * @param hookFor    the exception hook each vCPU's CPUs get (the PSCI firmware, needing this machine)
     * @param wiring     connects each new Cpu to the board's devices
     * @param affinityOf the MPIDR affinity of each vCPU index (the board's numbering)
     * @param bootEl     the exception level CPU0 starts at (EL1h, or EL2h with virtualization)
     */
    public Machine(PhysicalMemory mem, CpuModel model, int smp, Function<Machine, ExceptionHook> hookFor,
                   CpuWiring wiring, IntToLongFunction affinityOf, Reloader reloader, int bootEl,
                   boolean noReboot, DebugLog log) {
        long[] affinities = new long[smp];
        for (int i = 0; i < smp; i++) {
            affinities[i] = affinityOf.applyAsLong(i);
        }
        this.indexOfAffinity = aff -> {
            for (int i = 0; i < affinities.length; i++) {
                if (affinities[i] == aff) {
                    return i;
                }
            }
            return -1;
        };
        this.reloader = reloader;
        this.bootEl = bootEl;
        this.noReboot = noReboot;
        this.log = log;
        this.mem = mem;
        this.decodeCache = new DecodeCache(model);
        this.accelerator = new InterpreterAccelerator(decodeCache);
        ExceptionHook hook = hookFor.apply(this);
        for (int i = 0; i < smp; i++) {
            vcpus.add(new Vcpu(i, this, mem, model, decodeCache, hook, wiring, log));
        }
        control = new MachineControl(this, smp);
    }

    /** Run control for the debugger and the monitor. */
    public MachineControl control() {
        return control;
    }

    PhysicalMemory memory() {
        return mem;
    }

    /** The accelerator's statistics report (empty for the interpreter). */
    public String acceleratorReport() {
        return accelerator.report();
    }

    /** The board's part of a snapshot: its configuration and its devices, each saved as one section. */
    public interface SnapshotParts {
        BoardConfig config();

        /** The device sections, in the order they are saved and restored (before RAM and the vCPUs). */
        List<DeviceSection> devices();
    }

    /** A device state saved as section {@code id}/{@code instance}. */
    public record DeviceSection(SectionId id, int instance, Snapshottable state) {
    }

    /** Enables snapshots; the board calls this once, before {@link #run}. */
    public void setSnapshotParts(SnapshotParts parts) {
        this.snapshotParts = parts;
    }

    /**
     * Writes a snapshot of the whole VM to {@code path} (through a temporary file, so a failed save leaves no
     * partial file). If the vCPUs are running they are paused at an instruction boundary and resumed after.
     *
     * @throws SnapshotException if the file cannot be written (the VM keeps running either way)
     */
    public void saveSnapshot(Path path) throws SnapshotException, InterruptedException {
        MachineSnapshot codec = codec();
        whilePaused(() -> {
            codec.save(path);
            return null;
        });
    }

    /**
     * Restores the VM from the snapshot at {@code path}. The whole stream is read and checked first (header,
     * configuration, every section's checksum and contents, trailer); only then are the vCPUs paused and the
     * state applied. Called before {@link #run}, the run starts from the snapshot instead of booting.
     *
     * @throws SnapshotException naming what is wrong; the VM is then exactly as it was
     */
    public void loadSnapshot(Path path) throws SnapshotException, InterruptedException {
        Runnable commit = codec().decode(path);
        whilePaused(() -> {
            commit.run();
            accelerator.flush(); // translations of the old RAM contents are stale
            if (!threadsRunning) {
                restored = true;
            }
            return null;
        });
    }

    /** Work done with every vCPU thread stopped at an instruction boundary. */
    @FunctionalInterface
    interface PausedAction<T> {
        T run() throws SnapshotException, InterruptedException;
    }

    /**
     * Runs {@code action} with the vCPU threads stopped (power states and registers kept), then restarts them if
     * they were running. Nests: an action may save or load a snapshot itself.
     */
    <T> T whilePaused(PausedAction<T> action) throws SnapshotException, InterruptedException {
        synchronized (lifecycle) {
            boolean resume = threadsRunning && !paused;
            if (resume) {
                pauseThreads();
                paused = true;
            }
            try {
                return action.run();
            } finally {
                if (resume) {
                    paused = false;
                    resumeThreads();
                }
            }
        }
    }

    private MachineSnapshot codec() throws SnapshotException {
        if (snapshotParts == null) {
            throw new SnapshotException("this machine does not support snapshots");
        }
        return new MachineSnapshot(snapshotParts, vcpus, mem);
    }

    /** Stops every vCPU thread at an instruction boundary, keeping power states and registers. */
    private void pauseThreads() throws InterruptedException {
        requestStop();
        for (Vcpu v : vcpus) {
            v.stop();
        }
    }

    /** Restarts the threads {@link #pauseThreads} stopped, unless the run ended or a reset came meanwhile. */
    private void resumeThreads() {
        synchronized (events) {
            if (exitStatus != null || resetRequested) {
                return;
            }
        }
        stopping = false;
        for (Vcpu v : vcpus) {
            v.start();
        }
    }

    /**
     * Selects how vCPUs execute ({@code -accel}: {@code tcg[,...]} or {@code interp}); call before {@link #run}.
     *
     * @throws IllegalArgumentException naming what is wrong with {@code option}
     */
    public void useAccelerator(String option) {
        accelerator = Accelerator.create(option, mem, decodeCache);
    }

    /**
     * Deterministic time ({@code -icount shift=N}, call before {@link #run}): the system counter counts this
     * machine's guest instructions, 2^N ns each, instead of host time; timer deadlines end execution slices
     * exactly and idle WFI skips ahead to the next deadline. One vCPU only: with a host thread per vCPU the
     * interleaving (and so the count) would depend on the host scheduler.
     *
     * @throws IllegalArgumentException if N is out of 0..10 (QEMU's range) or the machine has more than one vCPU
     */
    public void useIcount(int shift) {
        if (shift < 0 || shift > 10) {
            throw new IllegalArgumentException("icount shift must be 0..10, got " + shift);
        }
        if (vcpus.size() != 1) {
            throw new IllegalArgumentException("icount needs one vCPU (-smp 1): each vCPU runs on its own host "
                    + "thread, so their interleaving would not be deterministic");
        }
        icountShift = shift;
    }

    /** The {@code -icount} shift, or -1 when time is host time. */
    int icountShift() {
        return icountShift;
    }

    /** An executor of the selected accelerator, for one vCPU thread. */
    CpuExecutor newExecutor() {
        return accelerator.newExecutor();
    }

    boolean stopping() {
        return stopping;
    }

    /** Boots and runs until the guest ends the run; returns the exit status. */
    public int run() throws InterruptedException {
        long t0 = System.nanoTime();
        boolean systemReset = false;
        while (true) {
            synchronized (lifecycle) {
                if (restored) {
                    restored = false; // the snapshot set RAM, registers and power states
                } else {
                    long entry = reloader.reload(systemReset);
                    vcpus.getFirst().powerOn(entry, 0, bootEl);
                }
                systemReset = true;
                stopping = false;
                for (Vcpu v : vcpus) {
                    v.start();
                }
                threadsRunning = true;
            }
            boolean reset;
            synchronized (events) {
                while (exitStatus == null && !resetRequested) {
                    events.wait();
                }
                reset = exitStatus == null;
                resetRequested = false;
            }
            synchronized (lifecycle) {
                stopAll();
                threadsRunning = false;
            }
            if (!reset) {
                summary(t0);
                return exitStatus;
            }
            resets++;
        }
    }

    /** Loads the boot images and powers CPU0 on without starting its thread (lockstep runs drive it). */
    Cpu bootWithoutThreads() {
        vcpus.getFirst().powerOn(reloader.reload(false), 0, bootEl);
        return vcpus.getFirst().cpu();
    }

    /** Whether vCPU {@code index} is powered on. */
    boolean isOn(int index) {
        return vcpus.get(index).isOn();
    }

    /** The status {@link #exit} gave, or null while the run goes on. */
    Integer exitStatus() {
        synchronized (events) {
            return exitStatus;
        }
    }

    DecodeCache decodeCache() {
        return decodeCache;
    }

    /** The current Cpu of vCPU {@code index} (null while it has never been powered on). */
    public Cpu cpu(int index) {
        return vcpus.get(index).cpu();
    }

    /** Ends the run with {@code status} (test device exit, console quit). Any thread. */
    public void exit(int status) {
        synchronized (events) {
            if (exitStatus == null) {
                exitStatus = status;
            }
            events.notifyAll();
        }
        requestStop();
    }

    void vcpuFailed(int index, long pc, Throwable e) {
        System.err.printf("armature: internal error on vCPU %d at guest PC 0x%x: %s%n", index, pc, e);
        if (log.on(DebugLog.Item.HOST)) {
            e.printStackTrace();
        }
        exit(1);
    }

    private void requestStop() {
        stopping = true;
        for (Vcpu v : vcpus) {
            Cpu c = v.cpu();
            if (c != null) {
                c.requestExit(Cpu.EXIT_STOP);
            }
            synchronized (v) {
                v.notifyAll();
            }
        }
        control.wake();
    }

    private void stopAll() throws InterruptedException {
        requestStop();
        for (Vcpu v : vcpus) {
            v.stop();
            v.powerOff();
        }
    }

    private void summary(long t0) {
        if (log.on(DebugLog.Item.SUMMARY)) {
            long insns = 0;
            long cpuNanos = 0;
            for (Vcpu v : vcpus) {
                insns += v.instructions();
                cpuNanos += v.cpuNanos();
            }
            double s = (System.nanoTime() - t0) / 1e9;
            log.log(String.format(Locale.ROOT, "armature: %d vCPU(s), %d instructions in %.3f s (%.1f MIPS), "
                    + "vCPU CPU time %.3f s (%.1f MIPS), %d reset(s), exit status %d", vcpus.size(), insns, s,
                    insns / s / 1e6, cpuNanos / 1e9, insns * 1e3 / Math.max(cpuNanos, 1), resets, exitStatus));
        }
        if (log.on(DebugLog.Item.SUMMARY) || log.on(DebugLog.Item.JIT_STATS)) {
            String report = accelerator.report();
            if (!report.isEmpty()) {
                log.log(report.stripTrailing());
            }
        }
    }

    // ---- PowerController (PSCI) ----

    @Override
    public int cpuCount() {
        return vcpus.size();
    }

    @Override
    public int indexOf(long affinity) {
        return indexOfAffinity.applyAsInt(affinity);
    }

    @Override
    public int cpuOn(int index, long entry, long context, int el) {
        return vcpus.get(index).powerOn(entry, context, el);
    }

    @Override
    public void cpuOff(Cpu self) {
        vcpus.get(self.index).powerOff();
    }

    @Override
    public int affinityInfo(int index) {
        return vcpus.get(index).affinityInfo();
    }

    @Override
    public void systemOff() {
        exit(0);
    }

    @Override
    public void systemReset() {
        if (noReboot) {
            exit(0);
            return;
        }
        synchronized (events) {
            resetRequested = true;
            events.notifyAll();
        }
        requestStop();
    }
}
