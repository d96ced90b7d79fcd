package dev.armature.vm;

import static dev.armature.vm.Errno.EINVAL;
import static dev.armature.vm.Errno.ENOENT;
import static dev.armature.vm.Errno.ENOEXEC;

import dev.armature.accel.CpuExecutor;
import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.CpuMemory;
import dev.armature.arch.aarch64.Feature;
import dev.armature.arch.aarch64.SyncException;
import dev.armature.arch.aarch64.SysReg;
import dev.armature.memory.BusMaster;

import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A virtual CPU of a {@link Vm}, KVM-style: initialised with features (KVM_ARM_VCPU_INIT), registers by
 * {@link Reg} id (KVM_GET/SET_ONE_REG), a power state (KVM_GET/SET_MP_STATE), and {@link #run(long)}
 * (KVM_RUN). Its architectural state is an {@link Cpu}; {@link #cpu()} hands it to the board (exception
 * hooks, interrupt lines). A reset ({@link #init}, PSCI CPU_ON) gives the vCPU a fresh {@code Cpu} in the
 * architectural reset state, which the VM wires up as it wired the old one (MPIDR_EL1, the vGIC, the VMM's
 * {@link CpuWiring}); so hold on to {@code cpu()} only until the next reset.
 *
 * <p>As an embedded emulator's CPU: {@link #start} runs from an address until an end address, an instruction
 * count, a timeout or {@link #stop()}; registers are read and written by {@link Reg} (general, SP, PC, PSTATE,
 * V registers, FPSR/FPCR, system registers by name or encoding); {@link #readVirtual}/{@link #writeVirtual}
 * access memory through the vCPU's current translation regime; {@link #saveContext()} and
 * {@link #restoreContext} save and restore its registers cheaply.
 *
 * <p>Threading: the calls on one vCPU are serialised (KVM's vcpu mutex), and {@link #run}/{@link #start} hold
 * that lock while the guest runs, so call the other methods from the vCPU's own thread (hook callbacks run
 * there), or while it is not running. {@link #requestExit()}, {@link #stop()}, {@link #getMpState()} and
 * {@link #powerOn} may be called from any thread. Each vCPU may run on its own thread at the same time.
 */
public final class Vcpu {
    private final Vm vm;
    private final int id;
    /** Position in the VM's creation order (KVM's vcpu_idx): the GIC model's CPU number. */
    private final int index;
    private volatile Cpu cpu;
    /**
     * The VM's accelerator's executor for this vCPU ({@link #run(long)}, {@link #start}); replaced by
     * {@link Vm#useAccelerator} only before the VM's first run, read after this vCPU's first-run step.
     */
    private volatile CpuExecutor executor;
    /** No end address for {@link #start}: -1 is never a PC (not 4-byte aligned). */
    public static final long NO_END = -1;

    /** Fires {@link #start} timeouts. */
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("vcpu-timeout").daemon(true).unstarted(r));

    /** The current {@link #start}'s end address (read by the hooks' probe on this vCPU's thread). */
    private long endAddress = NO_END;
    private boolean endReached;
    private volatile boolean timedOut;
    /** True while {@link #run} or {@link #start} executes guest code. */
    private volatile boolean running;
    /** The thread executing guest code for this vCPU, or null: hook callbacks run on it. */
    private volatile Thread runner;
    /** Instructions of the finished runs (written by the running thread under this vCPU's lock). */
    private volatile long executed;
    /** Null until the first successful {@link #init}. */
    private Set<VcpuFeature> features;
    private volatile MpState mpState = MpState.RUNNABLE;
    /** The first-run checks passed (KVM's vcpu_has_run_once); read by the VM under its own lock. */
    private volatile boolean hasRun;

    Vcpu(Vm vm, int id, int index, CpuExecutor executor) {
        this.vm = vm;
        this.id = id;
        this.index = index;
        this.executor = executor;
        this.cpu = newCpu();
        cpu.sys.setAffinity(mpidrAffinity());
    }

    /** The vCPU id given to {@link Vm#createVcpu(int)}. */
    public int id() {
        return id;
    }

    /** This vCPU's position in the VM's creation order (KVM's vcpu_idx), from 0. */
    public int index() {
        return index;
    }

    /** The architectural state this vCPU runs on now (replaced at each reset). Any thread. */
    public Cpu cpu() {
        return cpu;
    }

    /**
     * The affinity KVM gives this vCPU by default, in MPIDR_EL1 layout: Aff0 = id bits 3:0, Aff1 = id bits 11:4,
     * Aff2 = id bits 19:12 (so the affinity equals the id below 16). GICv3 register attributes name vCPUs by it,
     * and it is the vCPU's MPIDR_EL1.
     */
    public long mpidrAffinity() {
        return defaultAffinity(id);
    }

    /** {@link #mpidrAffinity()} of the vCPU with that id (QEMU's virt numbers its CPUs the same way). */
    public static long defaultAffinity(int id) {
        return (id & 0xf) | (long) ((id >>> 4) & 0xff) << 8 | (long) ((id >>> 12) & 0xff) << 16;
    }

    /**
     * KVM_ARM_VCPU_INIT: resets the vCPU to its architectural reset state (a fresh {@link Cpu}) with the core
     * registers as KVM leaves them (PC 0, PSTATE EL1h — EL2h with {@link VcpuFeature#HAS_EL2} — with D, A, I,
     * F masked, general registers and stack pointers 0) and sets the power state: STOPPED with
     * {@link VcpuFeature#POWER_OFF}, else RUNNABLE. May be repeated, with the same features (EINVAL otherwise):
     * that is how a VMM resets a vCPU. EINVAL too for HAS_EL2 on a CPU model without EL2.
     */
    public synchronized void init(Set<VcpuFeature> requested) {
        vm.checkOpen();
        Vm.checkPointer(requested, "features");
        Set<VcpuFeature> wanted = requested.isEmpty() ? EnumSet.noneOf(VcpuFeature.class) : EnumSet.copyOf(requested);
        if (features != null && !features.equals(wanted)) {
            throw new KvmException(EINVAL, "vCPU " + id + " was initialised with " + features + ", not " + wanted);
        }
        if (wanted.contains(VcpuFeature.HAS_EL2) && !vm.cpuModel().has(Feature.EL2)) {
            throw new KvmException(EINVAL, "the CPU model " + vm.cpuModel().name() + " has no EL2");
        }
        features = wanted;
        reset(0, 0);
        mpState = wanted.contains(VcpuFeature.POWER_OFF) ? MpState.STOPPED : MpState.RUNNABLE;
    }

    /** Whether {@link #init} has been called. */
    public synchronized boolean initialized() {
        return features != null;
    }

    /** The features of the last {@link #init}; empty before. */
    public synchronized Set<VcpuFeature> features() {
        return features == null ? Set.of() : Set.copyOf(features);
    }

    /** A fresh Cpu in the reset state at {@code pc} with {@code x0}, wired in place of the current one. */
    private void reset(long pc, long x0) {
        Cpu fresh = newCpu();
        fresh.setPstate(features.contains(VcpuFeature.HAS_EL2) ? 0x3c9 : 0x3c5); // EL2h or EL1h, DAIF masked
        fresh.pc = pc; // registers and stack pointers of a new Cpu are 0
        fresh.r[0] = x0;
        install(fresh);
    }

    /**
     * A {@link Cpu} for this vCPU in the architectural reset state, not yet in use: a VMM restoring saved state
     * fills it in, then {@link #install}s it.
     */
    public Cpu newCpu() {
        return new Cpu(id, vm.cpuModel(), new CpuMemory(vm.memory()));
    }

    /**
     * Makes {@code fresh} (from {@link #newCpu}) the vCPU's state, wired as a reset would wire it: MPIDR_EL1, then
     * the vGIC (interrupt lines, ICC_* registers, timer PPIs), then the VMM's {@link CpuWiring}. The previous Cpu
     * is detached. The power state is unchanged. Call it while the vCPU is not running. EINVAL for a Cpu of
     * another vCPU or VM.
     */
    public synchronized void install(Cpu fresh) {
        vm.checkOpen();
        Vm.checkPointer(fresh, "cpu");
        if (fresh.index != id || fresh.memory.physical() != vm.memory()) {
            throw new KvmException(EINVAL, "that Cpu was not made by vCPU " + id + "'s newCpu()");
        }
        Cpu previous = cpu;
        fresh.sys.setAffinity(mpidrAffinity());
        cpu = fresh;
        vm.attach(this, fresh, previous);
    }

    // ---- registers ----

    /**
     * KVM_GET_ONE_REG: a core register (X0..X30, SP, PC, PSTATE, SP_EL1, ELR_EL1, SPSR_EL1), FPSR or FPCR
     * (zero-extended), or a system register (its value as MRS would read it at the highest EL, with no access
     * checks and no hooks). ENOEXEC before {@link #init}; EINVAL for a bad core offset or a V register (use
     * {@link #getVector}); ENOENT for other ids and system registers this vCPU does not have or cannot read.
     */
    public synchronized long getReg(Reg reg) {
        checkReady(reg);
        Cpu cpu = this.cpu;
        if (reg.isSysReg()) {
            SysReg r = sysReg(reg);
            if (r.reader() == null) {
                throw new KvmException(ENOENT, reg + " is write-only");
            }
            return r.reader().read(cpu);
        }
        if (reg.isFpStatus()) {
            return (reg.equals(Reg.FPSR) ? cpu.fpsr : cpu.fpcr) & 0xffff_ffffL;
        }
        int n = coreIndex(reg);
        return switch (n) {
            case 31 -> cpu.spOf(0);
            case 32 -> cpu.pc;
            case 33 -> cpu.pstate();
            case 34 -> cpu.spOf(1);
            case 35 -> cpu.sys.elrEl1;
            case 36 -> cpu.sys.spsrEl1;
            default -> cpu.r[n];
        };
    }

    /**
     * KVM_SET_ONE_REG, for the registers {@link #getReg} reads. PSTATE must name an AArch64 mode KVM accepts
     * (EL0t, EL1t, EL1h; EL2t, EL2h too with {@link VcpuFeature#HAS_EL2}), else EINVAL; FPSR and FPCR take the
     * low 32 bits; a system register is written as MSR would write it (side effects included, e.g. a new TTBR
     * drops cached translations), without access checks or hooks (ENOENT for read-only ones).
     */
    public synchronized void setReg(Reg reg, long value) {
        checkReady(reg);
        Cpu cpu = this.cpu;
        if (reg.isSysReg()) {
            SysReg r = sysReg(reg);
            if (r.writer() == null) {
                throw new KvmException(ENOENT, reg + " is read-only");
            }
            try {
                r.writer().write(cpu, value);
            } catch (SyncException e) {
                throw new KvmException(EINVAL, "writing " + reg + ": " + e.getMessage());
            }
            return;
        }
        if (reg.isFpStatus()) {
            if (reg.equals(Reg.FPSR)) {
                cpu.fpsr = (int) value;
            } else {
                cpu.fpcr = (int) value;
            }
            return;
        }
        int n = coreIndex(reg);
        switch (n) {
            case 31 -> cpu.setSpOf(0, value);
            case 32 -> cpu.pc = value;
            case 33 -> {
                int mode = (int) value & 0x1f;
                boolean el2 = features.contains(VcpuFeature.HAS_EL2) && (mode == 8 || mode == 9);
                if (mode != 0 && mode != 4 && mode != 5 && !el2) {
                    throw new KvmException(EINVAL, String.format("PSTATE mode 0x%x is not EL0t, EL1t or EL1h%s",
                            mode, features.contains(VcpuFeature.HAS_EL2) ? ", EL2t or EL2h" : ""));
                }
                cpu.setPstate(value);
            }
            case 34 -> cpu.setSpOf(1, value);
            case 35 -> cpu.sys.elrEl1 = value;
            case 36 -> cpu.sys.spsrEl1 = value;
            default -> cpu.r[n] = value;
        }
    }

    /** Reads a system register by its Arm ARM name ({@link Reg#sysreg(String)}), as {@link #getReg} does. */
    public long getSysReg(String name) {
        return getReg(Reg.sysreg(name));
    }

    /** Writes a system register by its Arm ARM name, as {@link #setReg} does. */
    public void setSysReg(String name, long value) {
        setReg(Reg.sysreg(name), value);
    }

    /** V{@code n} (0..31) as {low 64 bits, high 64 bits}. ENOEXEC before {@link #init}; EINVAL for a bad n. */
    public synchronized long[] getVector(int n) {
        checkReady(Reg.PC);
        checkVector(n);
        return new long[] {cpu.v[2 * n], cpu.v[2 * n + 1]};
    }

    /** Sets V{@code n} (0..31). ENOEXEC before {@link #init}; EINVAL for a bad n. */
    public synchronized void setVector(int n, long low, long high) {
        checkReady(Reg.PC);
        checkVector(n);
        cpu.v[2 * n] = low;
        cpu.v[2 * n + 1] = high;
    }

    private static void checkVector(int n) {
        if (n < 0 || n > 31) {
            throw new KvmException(EINVAL, "V" + n + " does not exist (V0..V31)");
        }
    }

    private SysReg sysReg(Reg reg) {
        SysReg r = cpu.sys.lookup(reg.sysRegKey());
        if (r == null) {
            throw new KvmException(ENOENT, "vCPU " + id + " has no system register " + reg);
        }
        return r;
    }

    private void checkReady(Reg reg) {
        vm.checkOpen();
        Vm.checkPointer(reg, "register");
        if (features == null) {
            throw new KvmException(ENOEXEC, "vCPU " + id + " is not initialised");
        }
    }

    /** The index into X0..X30, SP, PC, PSTATE, SP_EL1, ELR_EL1, SPSR_EL1 (0..36). */
    private int coreIndex(Reg reg) {
        checkReady(reg);
        if (reg.vectorNumber() >= 0) {
            throw new KvmException(EINVAL, reg + " is 128 bits wide: use getVector/setVector");
        }
        if (!reg.isCore()) {
            throw new KvmException(ENOENT, "no register " + reg);
        }
        int off = reg.coreOffset();
        if (off % 2 != 0 || off / 2 > 36) {
            throw new KvmException(EINVAL, String.format("core register offset 0x%x is not implemented", off));
        }
        return off / 2;
    }

    // ---- power state ----

    /** KVM_GET_MP_STATE: STOPPED while powered off, else RUNNABLE. */
    public MpState getMpState() {
        vm.checkOpen();
        return mpState;
    }

    /** KVM_SET_MP_STATE: RUNNABLE powers the vCPU on where it is, STOPPED powers it off; others EINVAL. */
    public synchronized void setMpState(MpState state) {
        vm.checkOpen();
        Vm.checkPointer(state, "mp state");
        if (state != MpState.RUNNABLE && state != MpState.STOPPED) {
            throw new KvmException(EINVAL, "mp state " + state + " cannot be set on arm64");
        }
        mpState = state;
    }

    /**
     * PSCI CPU_ON, for the board's PSCI firmware: a powered-off vCPU is reset (as {@link #init} resets it: a fresh
     * Cpu at EL1h, or EL2h with {@link VcpuFeature#HAS_EL2}) and made runnable at {@code entryPoint} with
     * {@code contextId} in X0.
     *
     * @return false if the vCPU is not powered off (PSCI's ALREADY_ON); nothing changes then
     */
    public boolean powerOn(long entryPoint, long contextId) {
        if (mpState != MpState.STOPPED) {
            return false; // checked first so that two running vCPUs never wait for each other's lock
        }
        synchronized (this) {
            if (mpState != MpState.STOPPED) {
                return false;
            }
            if (features == null) {
                throw new KvmException(ENOEXEC, "vCPU " + id + " is not initialised");
            }
            reset(entryPoint, contextId);
            mpState = MpState.RUNNABLE;
            return true;
        }
    }

    /** PSCI CPU_OFF (or a board reset): powers the vCPU off; a running {@link #run} returns POWERED_OFF. */
    public void powerOff() {
        mpState = MpState.STOPPED;
        cpu.requestExit(Cpu.EXIT_STOP);
    }

    // ---- execution ----

    /**
     * KVM_RUN, bounded: runs up to {@code budget} guest instructions with the VM's accelerator. The first
     * run maps the vGIC, with KVM's checks (ENXIO: a vCPU without redistributor or a frame not set; EINVAL:
     * frames overlap or leave the IPA space; EBUSY: a GICv3 not initialised — a GICv2 is initialised
     * implicitly); a failed first run can be retried. ENOEXEC before {@link #init}.
     */
    public synchronized ExitReason run(long budget) {
        return runWith(null, budget);
    }

    /**
     * {@link #run(long)} with the VMM's choice of executor (the translator, a debugger's single-stepper). The
     * calling thread becomes this vCPU's bus master (banked GIC registers) for the run. An exit request that
     * stopped the run is consumed; other pending requests (an interrupt) stay for the next run.
     */
    public synchronized ExitReason run(CpuExecutor executor, long budget) {
        Vm.checkPointer(executor, "executor");
        return runWith(executor, budget);
    }

    /** KVM_RUN with {@code chosen}, or this vCPU's executor if null (read once the VM can no longer change it). */
    private ExitReason runWith(CpuExecutor chosen, long budget) {
        vm.checkOpen();
        if (features == null) {
            throw new KvmException(ENOEXEC, "vCPU " + id + " is not initialised");
        }
        if (!hasRun) {
            vm.firstRun();
            hasRun = true;
        }
        if (mpState == MpState.STOPPED) {
            return ExitReason.POWERED_OFF;
        }
        boolean requested = execute(chosen != null ? chosen : executor, budget);
        if (mpState == MpState.STOPPED) {
            return ExitReason.POWERED_OFF;
        }
        return requested ? ExitReason.EXIT_REQUEST : ExitReason.BUDGET;
    }

    /**
     * Runs {@code executor} on this thread for up to {@code budget} instructions; true if it stopped on request.
     * The stop request is consumed; other pending requests (an interrupt) stay for the next run. A run the hooks
     * ended to re-instrument (hooks changed from a callback: {@link Cpu#EXIT_REINSTRUMENT}) applies the change
     * and resumes, so the caller does not see it.
     */
    private boolean execute(CpuExecutor executor, long budget) {
        Cpu c = cpu;
        BusMaster.set(index);
        long before = executor.instructions();
        runner = Thread.currentThread();
        running = true;
        try {
            while (true) {
                if (!executor.run(c, budget - (executor.instructions() - before))) {
                    return false;
                }
                int why = c.takeExitRequest();
                int others = why & ~(Cpu.EXIT_STOP | Cpu.EXIT_REINSTRUMENT);
                if (others != 0) {
                    c.requestExit(others);
                }
                if ((why & Cpu.EXIT_REINSTRUMENT) == 0) {
                    return true;
                }
                vm.hooks().applyPending(c);
                if ((why & Cpu.EXIT_STOP) != 0) {
                    return true;
                }
                if (executor.instructions() - before >= budget) {
                    return false;
                }
            }
        } finally {
            executed += executor.instructions() - before;
            running = false;
            runner = null;
            vm.hooks().applyPending(c); // changes made by callbacks of a run that ended for another reason
            vm.vcpuCallEnded(this);
        }
    }

    /** Runs from {@code begin} until {@code end} is reached (or forever): {@link #start(long, long, Duration, long)}. */
    public ExitReason start(long begin, long end) {
        return start(begin, end, Duration.ZERO, 0);
    }

    /**
     * Runs guest code on the calling thread from {@code begin} (Unicorn's uc_emu_start) until one of:
     * <ul>
     * <li>the PC reaches {@code end}, before executing it ({@link ExitReason#END_ADDRESS}; {@link #NO_END}: no
     * end address);</li>
     * <li>{@code count} instructions have run (exactly, under both accelerators; {@link ExitReason#BUDGET}; 0: no
     * limit);</li>
     * <li>{@code timeout} passed ({@link ExitReason#TIMEOUT}; zero: none);</li>
     * <li>{@link #stop()} or a hook stopped it ({@link ExitReason#EXIT_REQUEST});</li>
     * <li>the vCPU is powered off ({@link ExitReason#POWERED_OFF}).</li>
     * </ul>
     * The PC is then the next instruction to run. The run may be resumed with another call from the PC. The
     * first run of the VM does KVM_RUN's first-run checks. ENOEXEC before {@link #init}; EINVAL for a negative
     * count or timeout.
     */
    public synchronized ExitReason start(long begin, long end, Duration timeout, long count) {
        vm.checkOpen();
        Vm.checkPointer(timeout, "timeout");
        if (features == null) {
            throw new KvmException(ENOEXEC, "vCPU " + id + " is not initialised");
        }
        if (count < 0 || timeout.isNegative()) {
            throw new KvmException(EINVAL, "count " + count + " and timeout " + timeout + " must not be negative");
        }
        if (!hasRun) {
            vm.firstRun();
            hasRun = true;
        }
        if (mpState == MpState.STOPPED) {
            return ExitReason.POWERED_OFF;
        }
        Cpu cpu = this.cpu;
        cpu.pc = begin;
        if (end != NO_END) {
            vm.hooks().addEndAddress(end);
        }
        endAddress = end;
        endReached = false;
        timedOut = false;
        synchronized (cpu) { // Cpu.requestExit's lock: a stop (or timeout) left over from an earlier run is void
            cpu.exitRequest &= ~Cpu.EXIT_STOP;
        }
        vm.checkOpen(); // again: a close that came before the line above had its stop request cleared there
        ScheduledFuture<?> timer = timeout.isZero() ? null
                : TIMER.schedule(this::timeUp, timeout.toNanos(), TimeUnit.NANOSECONDS);
        boolean requested;
        try {
            requested = execute(executor, count == 0 ? Long.MAX_VALUE : count);
        } finally {
            if (timer != null) {
                timer.cancel(false);
            }
            endAddress = NO_END;
        }
        if (mpState == MpState.STOPPED) {
            return ExitReason.POWERED_OFF;
        }
        if (endReached) {
            return ExitReason.END_ADDRESS;
        }
        if (requested && timedOut) {
            return ExitReason.TIMEOUT;
        }
        return requested ? ExitReason.EXIT_REQUEST : ExitReason.BUDGET;
    }

    private void timeUp() {
        timedOut = true;
        cpu.requestExit(Cpu.EXIT_STOP);
    }

    /** The probe asks before each instrumented instruction: true (and an exit requested) at this run's end. */
    boolean reachedEnd(long va) {
        if (va != endAddress) {
            return false;
        }
        endReached = true;
        cpu.requestExit(Cpu.EXIT_STOP);
        return true;
    }

    /**
     * Stops a running {@link #start}/{@link #run} (any thread, or a hook): it returns
     * {@link ExitReason#EXIT_REQUEST} at the next block boundary — from a code or block hook, before the
     * instruction or block the hook was called for. A stop that arrives when no run is in progress does not
     * affect the next {@link #start} (it still ends a next {@link #run}, as KVM's immediate_exit does).
     */
    public void stop() {
        cpu.requestExit(Cpu.EXIT_STOP);
    }

    /**
     * Guest instructions this vCPU has executed (completed or faulted) in all its finished runs: {@link #start},
     * {@link #run} with any executor, so also a board's vCPU thread, which runs in short slices. Any thread;
     * from a hook callback it does not include the current run.
     */
    public long instructions() {
        return executed;
    }

    /** Whether the calling thread is the one running this vCPU's guest code (so a hook callback's). */
    boolean runsOnThisThread() {
        return runner == Thread.currentThread();
    }

    /** Whether guest code is running on this vCPU now. Any thread. */
    public boolean isRunning() {
        return running;
    }

    // ---- memory through the current translation regime ----

    /**
     * Reads {@code length} bytes at virtual address {@code va}, translated as the vCPU would at its current EL
     * (no translation while its MMU is off). EFAULT if a page has no readable translation or is not RAM.
     */
    public synchronized byte[] readVirtual(long va, int length) {
        vm.checkOpen();
        byte[] out = new byte[length];
        for (int done = 0; done < length; ) {
            int n = pageChunk(va + done, length - done);
            byte[] part = vm.readPhysical(translate(va + done), n);
            System.arraycopy(part, 0, out, done, n);
            done += n;
        }
        return out;
    }

    /**
     * Writes {@code data} at virtual address {@code va}, translated as {@link #readVirtual} does (a page that
     * is mapped read-only for the guest can still be patched). Translations of code it overwrites are
     * invalidated. EFAULT as for {@link #readVirtual}.
     */
    public synchronized void writeVirtual(long va, byte[] data) {
        vm.checkOpen();
        Vm.checkPointer(data, "data");
        for (int done = 0; done < data.length; ) {
            int n = pageChunk(va + done, data.length - done);
            vm.writePhysical(translate(va + done), Arrays.copyOfRange(data, done, done + n));
            done += n;
        }
    }

    /** The guest physical address {@code va} translates to for a read at the current EL. EFAULT if none. */
    public synchronized long translate(long va) {
        vm.checkOpen();
        try {
            return cpu.memory.mmu().translate(cpu, va, CpuMemory.READ);
        } catch (SyncException e) {
            throw new KvmException(Errno.EFAULT, String.format("virtual address 0x%x has no translation: %s", va,
                    e.getMessage()));
        }
    }

    private static int pageChunk(long va, int remaining) {
        return (int) Math.min(remaining, 4096 - (va & 4095));
    }

    // ---- context ----

    /**
     * Saves this vCPU's registers (X0..X30, the stack pointers, PC, PSTATE, V0..V31, FPCR, FPSR, and the EL1/EL2
     * exception registers ELR, SPSR, ESR, FAR) — cheap, for resetting between runs. System registers that
     * configure the machine (MMU, vectors) are not included: use {@link Vm#saveSnapshot()} for those.
     */
    public synchronized VcpuContext saveContext() {
        vm.checkOpen();
        return VcpuContext.of(cpu);
    }

    /** Restores registers saved by {@link #saveContext()} (from any vCPU of the same model). */
    public synchronized void restoreContext(VcpuContext context) {
        vm.checkOpen();
        Vm.checkPointer(context, "context");
        context.applyTo(cpu);
    }

    /** Makes a running {@link #run} return at the next instruction boundary. Any thread. */
    public void requestExit() {
        cpu.requestExit(Cpu.EXIT_STOP);
    }

    /** The VM changed its accelerator before any vCPU ran ({@link Vm#useAccelerator}). */
    void useExecutor(CpuExecutor fresh) {
        executor = fresh;
    }

    /** Whether the vCPU has passed its first-run checks (and so blocks vGIC creation: EBUSY). */
    boolean hasRun() {
        return hasRun;
    }

    @Override
    public String toString() {
        return "vCPU " + id;
    }
}
