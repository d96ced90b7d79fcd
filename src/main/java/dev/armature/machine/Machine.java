package dev.armature.machine;

import dev.armature.accel.CpuExecutor;
import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.DecodeCache;
import dev.armature.devices.psci.PowerController;
import dev.armature.devices.psci.Psci;
import dev.armature.memory.PhysicalMemory;
import dev.armature.memory.Region;
import dev.armature.migration.BoardConfig;
import dev.armature.migration.MigrationParameters;
import dev.armature.migration.MigrationStatus;
import dev.armature.migration.MigrationUri;
import dev.armature.migration.SectionId;
import dev.armature.migration.SnapshotException;
import dev.armature.migration.Snapshottable;
import dev.armature.vm.KvmException;
import dev.armature.vm.Reg;
import dev.armature.vm.Vcpu;
import dev.armature.vm.Vm;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A running machine: the threads that run a {@link Vm}'s vCPUs, and the events that end or restart a run. Front
 * ends call {@link #run}, which returns the process exit status once the guest powers off (0), exits through
 * the test device (its status), or a vCPU fails on a host error (1).
 *
 * <p>Each boot, and each system reset, re-initialises every vCPU with the features it was first initialised
 * with (KVM_ARM_VCPU_INIT, as a VMM resets vCPUs: the secondaries come up powered off), asks the board to
 * (re)load its boot images and starts the boot vCPU at their entry; with {@code noReboot} a reset ends the run
 * with status 0 instead (as QEMU's {@code -no-reboot} does). That holds after a snapshot restore too: a reset
 * goes back to the board's defaults, not to the power states the snapshot carried.
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
     * Run-state changes the monitor reports as QMP events, beyond the stops and resumes of {@link MachineControl}.
     * Called on the thread causing the change (a vCPU thread for the guest's PSCI calls); must not block.
     */
    public interface RunStateListener {
        /** A system reset starts; {@code guest}: the guest asked (PSCI SYSTEM_RESET), else the host (monitor). */
        void reset(boolean guest);

        /** The run ends; {@code reason} in QEMU's ShutdownCause spelling (e.g. {@code guest-shutdown}). */
        void shutdown(boolean guest, String reason);

        /** The vCPUs stopped: an outgoing migration completed (the VM is now {@code postmigrate}). */
        void stopped();

        /** The vCPUs run again after {@link #stopped}. */
        void resumed();
    }

    private final List<RunStateListener> runStateListeners = new CopyOnWriteArrayList<>();
    private final List<VcpuThread> vcpus = new ArrayList<>();
    private final Reloader reloader;
    private final boolean noReboot;
    private final DebugLog log;
    private final PhysicalMemory mem;
    /** The VM, whose accelerator and decode cache the vCPU threads use (so its hooks see their execution). */
    private final Vm vm;
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
    /** An outgoing migration completed: the VM is QEMU's {@code postmigrate} until continued. Under lifecycle. */
    private boolean postMigrate;
    /** The completed migration stopped the threads (they were running), so continuing restarts them. */
    private boolean heldForMigration;

    /** An incoming migration is expected or under way ({@code -incoming}): run() waits. Under events. */
    private boolean inMigrate;
    /** {@link #incoming} is under way. Under events. */
    private boolean incomingStarted;

    private final MigrationStatus migration = new MigrationStatus();
    private volatile MigrationParameters migrationParameters = MigrationParameters.DEFAULTS;

    private final Object events = new Object();
    private volatile boolean stopping;
    private boolean resetRequested;
    private Integer exitStatus;
    private int resets;

    /**
     * A machine running {@code vm}, whose vCPUs the board has created with ids 0..n-1 in order and initialised
     * (the first is the boot vCPU, the others powered off). It is the VM's PSCI {@link PowerController}: the
     * board's firmware calls it.
     *
     * @throws IllegalArgumentException if the VM has no vCPU or their ids are not 0..n-1 in creation order
     */
    public Machine(Vm vm, Reloader reloader, boolean noReboot, DebugLog log) {
        this.reloader = reloader;
        this.noReboot = noReboot;
        this.log = log;
        this.mem = vm.memory();
        this.vm = vm;
        List<Vcpu> list = vm.vcpus();
        if (list.isEmpty()) {
            throw new IllegalArgumentException("a machine needs a vCPU");
        }
        for (Vcpu v : list) {
            if (v.id() != v.index()) {
                throw new IllegalArgumentException("vCPU ids must be 0..n-1 in creation order; vCPU "
                        + v.index() + " has id " + v.id());
            }
            vcpus.add(new VcpuThread(v, this, vm.decodeCache(), log));
        }
        control = new MachineControl(this, vcpus.size());
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
        return vm.acceleratorReport();
    }

    /** The board's part of a snapshot: its configuration and its devices, each saved as one section. */
    public interface SnapshotParts {
        BoardConfig config();

        /** The device sections, in the order they are saved and restored (before RAM and the vCPUs). */
        List<DeviceSection> devices();

        /** Why snapshots are refused (as QEMU's migration blockers), or null if they are not. */
        default String blocker() {
            return null;
        }
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
            vm.flushTranslations(); // the snapshot wrote RAM behind the VM's back
            if (!threadsRunning) {
                restored = true;
            }
            return null;
        });
    }

    public void addRunStateListener(RunStateListener l) {
        runStateListeners.add(l);
    }

    /** The outgoing migration's progress ({@code query-migrate}). */
    public MigrationStatus migrationStatus() {
        return migration;
    }

    public MigrationParameters migrationParameters() {
        return migrationParameters;
    }

    /** Sets the convergence parameters of later migrations ({@code migrate-set-parameters}). */
    public void setMigrationParameters(MigrationParameters p) {
        migrationParameters = p;
    }

    /**
     * Starts a live migration to a destination listening at {@code to} ({@code -incoming tcp:...}) on a thread of
     * its own and returns; {@code events} hears each status change. See {@link LiveMigration}.
     *
     * @throws SnapshotException if a migration is in progress or the machine has no snapshot support
     */
    public void migrate(InetSocketAddress to, Consumer<MigrationStatus.State> events) throws SnapshotException {
        MachineSnapshot codec = codec();
        long ram = mem.regions().stream().filter(Region::isRam).mapToLong(Region::size).sum();
        synchronized (migration) {
            if (migration.inProgress()) {
                throw new SnapshotException("There's a migration process in progress");
            }
            migration.setup(ram);
        }
        events.accept(MigrationStatus.State.SETUP);
        LiveMigration job = new LiveMigration(this, codec, mem, migration, migrationParameters, to, events);
        Thread.ofPlatform().daemon(true).name("migration").start(job::run);
    }

    /**
     * Receives a live migration into this machine, which must not have started: reads the stream from {@code in}
     * (RAM applied as it arrives, everything else checked before it is applied), then tells the source the
     * verdict on {@code reply}. On success {@link #run} resumes the migrated VM instead of booting.
     *
     * @throws SnapshotException naming what was wrong with the stream (the source has been told)
     */
    public void receiveMigration(InputStream in, OutputStream reply) throws SnapshotException, InterruptedException {
        MachineSnapshot codec = codec();
        synchronized (lifecycle) {
            if (threadsRunning) {
                throw new SnapshotException("an incoming migration needs a VM that has not started");
            }
        }
        Runnable commit;
        try {
            commit = codec.receive(in);
        } catch (SnapshotException e) {
            try {
                LiveMigration.sendVerdict(reply, e.getMessage());
            } catch (IOException ignored) {
                // the source is gone: it fails on its own
            }
            throw e;
        }
        whilePaused(() -> {
            commit.run();
            vm.flushTranslations();
            restored = true;
            return null;
        });
        try {
            LiveMigration.sendVerdict(reply, null);
        } catch (IOException ignored) {
            // The source vanished after sending the whole VM: this copy is complete and runs. (It cannot tell whether
            // the source saw the verdict; QEMU's return path has the same window.)
        }
    }

    /**
     * {@code -incoming}: a migration will bring this machine's state; {@link #run} waits until {@link #incoming}
     * has loaded it (QMP's {@code inmigrate} status, e.g. for {@code -incoming defer}).
     */
    public void expectIncoming() {
        synchronized (events) {
            inMigrate = true;
        }
    }

    /** True from {@link #expectIncoming} until an incoming migration has loaded. */
    public boolean inMigrate() {
        synchronized (events) {
            return inMigrate;
        }
    }

    /**
     * Loads the incoming migration at {@code uri}: a snapshot file, or a live migration received on a TCP
     * listener bound to the URI's address ({@code listening} is told the bound address, e.g. for port 0, before
     * the wait for the source). Blocks until loaded; then {@link #run} starts from the migrated state.
     *
     * @throws SnapshotException naming what was wrong (the machine is then left as it was, not started), or if no
     *                           incoming migration is expected or one is under way
     */
    public void incoming(MigrationUri uri, Consumer<InetSocketAddress> listening)
            throws SnapshotException, InterruptedException {
        synchronized (events) {
            if (incomingStarted) {
                throw new SnapshotException("The incoming migration has already been started");
            }
            if (!inMigrate) {
                throw new SnapshotException("'-incoming' was not specified on the command line");
            }
            incomingStarted = true;
        }
        try {
            receive(uri, listening);
        } catch (SnapshotException | InterruptedException | RuntimeException e) {
            synchronized (events) {
                incomingStarted = false; // still waiting: another URI may be given
            }
            throw e;
        }
        synchronized (events) {
            inMigrate = false;
            events.notifyAll();
        }
    }

    private void receive(MigrationUri uri, Consumer<InetSocketAddress> listening)
            throws SnapshotException, InterruptedException {
        if (uri.file() != null) {
            loadSnapshot(uri.file());
        } else {
            try (ServerSocket listener = new ServerSocket()) {
                listener.setReuseAddress(true);
                listener.bind(uri.address(), 1);
                listening.accept((InetSocketAddress) listener.getLocalSocketAddress());
                try (Socket s = listener.accept()) {
                    s.setTcpNoDelay(true);
                    receiveMigration(new BufferedInputStream(s.getInputStream(), 1 << 16), s.getOutputStream());
                }
            } catch (IOException e) {
                throw new SnapshotException("tcp:" + uri.address().getHostString() + ":" + uri.address().getPort()
                        + ": " + e.getMessage(), e);
            }
        }
    }

    /** The stop-and-copy phase of an outgoing migration. */
    @FunctionalInterface
    interface StopAndCopy {
        void run() throws IOException, SnapshotException;
    }

    /**
     * Runs {@code action} with the vCPU threads stopped; if it completes, the VM stays stopped in
     * {@code postmigrate} (until {@link #continueAfterMigration}), else the threads restart as they were.
     */
    void stopForMigration(StopAndCopy action) throws IOException, SnapshotException, InterruptedException {
        synchronized (lifecycle) {
            boolean running = threadsRunning && !paused;
            if (running) {
                pauseThreads();
                paused = true;
            }
            boolean done = false;
            try {
                action.run();
                done = true;
            } finally {
                if (done) {
                    postMigrate = true;
                    heldForMigration = running;
                    runStateListeners.forEach(RunStateListener::stopped);
                } else if (running) {
                    paused = false;
                    resumeThreads();
                }
            }
        }
    }

    /** True after an outgoing migration completed, until {@link #continueAfterMigration}. */
    public boolean postMigrate() {
        synchronized (lifecycle) {
            return postMigrate;
        }
    }

    /** Runs the source again after a completed migration (QMP {@code cont}, which QEMU allows too). */
    public void continueAfterMigration() {
        synchronized (lifecycle) {
            if (!postMigrate) {
                return;
            }
            postMigrate = false;
            if (heldForMigration) {
                heldForMigration = false;
                paused = false;
                resumeThreads();
            }
            runStateListeners.forEach(RunStateListener::resumed);
        }
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
        if (snapshotParts.blocker() != null) {
            throw new SnapshotException(snapshotParts.blocker());
        }
        return new MachineSnapshot(snapshotParts, vcpus, mem);
    }

    /** Stops every vCPU thread at an instruction boundary, keeping power states and registers. */
    private void pauseThreads() throws InterruptedException {
        requestStop();
        for (VcpuThread v : vcpus) {
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
        for (VcpuThread v : vcpus) {
            v.start();
        }
    }

    /**
     * Selects how vCPUs execute ({@code -accel}: {@code tcg[,...]} or {@code interp}; the interpreter until
     * then); call before {@link #run}. It is the VM's accelerator ({@link Vm#useAccelerator}): hooks added on
     * the VM fire in this machine's runs.
     *
     * @throws IllegalArgumentException naming what is wrong with {@code option}, or if the vCPUs have run
     */
    public void useAccelerator(String option) {
        synchronized (lifecycle) {
            try {
                vm.useAccelerator(option);
            } catch (KvmException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
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
        return vm.newExecutor();
    }

    boolean stopping() {
        return stopping;
    }

    /** Boots and runs until the guest ends the run; returns the exit status. */
    public int run() throws InterruptedException {
        synchronized (events) {
            while (inMigrate && exitStatus == null) {
                events.wait(); // -incoming: the state comes first
            }
            if (exitStatus != null) {
                return exitStatus;
            }
        }
        long t0 = System.nanoTime();
        boolean systemReset = false;
        while (true) {
            synchronized (lifecycle) {
                if (restored) {
                    restored = false; // the snapshot set RAM, registers and power states
                } else {
                    for (VcpuThread v : vcpus) {
                        v.vcpu().init(v.vcpu().features()); // a reset: fresh Cpus, secondaries powered off
                    }
                    long entry = reloader.reload(systemReset);
                    vcpus.getFirst().vcpu().setReg(Reg.PC, entry);
                }
                systemReset = true;
                stopping = false;
                for (VcpuThread v : vcpus) {
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

    /**
     * Resets the vCPUs, loads the boot images and readies CPU0 without starting any thread (lockstep runs drive
     * the vCPUs themselves); returns CPU0's Cpu.
     */
    Cpu bootWithoutThreads() {
        for (VcpuThread v : vcpus) {
            v.vcpu().init(v.vcpu().features()); // as run() does: fresh Cpus, secondaries powered off
        }
        vcpus.getFirst().vcpu().setReg(Reg.PC, reloader.reload(false));
        vcpus.getFirst().vcpu().run(NOTHING, 0); // a first KVM_RUN: the VM maps its interrupt controller
        return vcpus.getFirst().cpu();
    }

    /** Runs no instruction: lets {@link #bootWithoutThreads} make the VM's first-run setup happen. */
    private static final CpuExecutor NOTHING = new CpuExecutor() {
        @Override
        public boolean run(Cpu cpu, long budget) {
            return false;
        }

        @Override
        public long instructions() {
            return 0;
        }

        @Override
        public long instructionsNow(Cpu cpu) {
            return 0;
        }
    };

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
        return vm.decodeCache();
    }

    /** The current Cpu of vCPU {@code index}. */
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
        for (VcpuThread v : vcpus) {
            v.vcpu().requestExit();
            v.wake();
        }
        control.wake();
    }

    private void stopAll() throws InterruptedException {
        requestStop();
        for (VcpuThread v : vcpus) {
            v.stop();
            v.vcpu().powerOff();
        }
    }

    private void summary(long t0) {
        if (log.on(DebugLog.Item.SUMMARY)) {
            long insns = 0;
            long cpuNanos = 0;
            for (VcpuThread v : vcpus) {
                insns += v.instructions();
                cpuNanos += v.cpuNanos();
            }
            double s = (System.nanoTime() - t0) / 1e9;
            log.log(String.format(Locale.ROOT, "armature: %d vCPU(s), %d instructions in %.3f s (%.1f MIPS), "
                    + "vCPU CPU time %.3f s (%.1f MIPS), %d reset(s), exit status %d", vcpus.size(), insns, s,
                    insns / s / 1e6, cpuNanos / 1e9, insns * 1e3 / Math.max(cpuNanos, 1), resets, exitStatus));
        }
        logAcceleratorReport();
    }

    /**
     * {@code -d summary} or {@code -d jit-stats}: logs the accelerator's statistics (the monitor's {@code info
     * jit}) at the end of a run, threaded or {@code -lockstep}.
     */
    void logAcceleratorReport() {
        if (log.on(DebugLog.Item.SUMMARY) || log.on(DebugLog.Item.JIT_STATS)) {
            String report = vm.acceleratorReport();
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
        for (VcpuThread v : vcpus) {
            if (v.vcpu().mpidrAffinity() == affinity) {
                return v.index();
            }
        }
        return -1;
    }

    @Override
    public int cpuOn(int index, long entry, long context) {
        VcpuThread v = vcpus.get(index);
        if (!v.vcpu().powerOn(entry, context)) {
            return Psci.ALREADY_ON;
        }
        v.wake();
        return Psci.SUCCESS;
    }

    @Override
    public void cpuOff(Cpu self) {
        vcpus.get(self.index).vcpu().powerOff(); // the Cpu's index is the vCPU id, which is its index here
    }

    @Override
    public int affinityInfo(int index) {
        return vcpus.get(index).isOn() ? PowerController.AFFINITY_ON : PowerController.AFFINITY_OFF;
    }

    /** PSCI SYSTEM_OFF: the guest powers the machine off. */
    @Override
    public void systemOff() {
        runStateListeners.forEach(l -> l.shutdown(true, "guest-shutdown"));
        exit(0);
    }

    /** PSCI SYSTEM_RESET: the guest resets the machine. */
    @Override
    public void systemReset() {
        systemReset(true);
    }

    /**
     * Resets the machine (with {@code -no-reboot}: ends the run instead, as QEMU does); {@code guest} tells the
     * listeners who asked.
     */
    public void systemReset(boolean guest) {
        if (noReboot) {
            runStateListeners.forEach(l -> l.shutdown(guest, guest ? "guest-reset" : "host-qmp-system-reset"));
            exit(0);
            return;
        }
        runStateListeners.forEach(l -> l.reset(guest));
        synchronized (events) {
            resetRequested = true;
            events.notifyAll();
        }
        requestStop();
    }
}
