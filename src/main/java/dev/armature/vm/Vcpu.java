package dev.armature.vm;

import static dev.armature.vm.Errno.EINVAL;
import static dev.armature.vm.Errno.ENOENT;
import static dev.armature.vm.Errno.ENOEXEC;

import dev.armature.accel.CpuExecutor;
import dev.armature.accel.interp.Interpreter;
import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.CpuMemory;
import dev.armature.arch.aarch64.Feature;
import dev.armature.memory.BusMaster;

import java.util.EnumSet;
import java.util.Set;

/**
 * A virtual CPU of a {@link Vm}, KVM-style: initialised with features (KVM_ARM_VCPU_INIT), registers by
 * {@link Reg} id (KVM_GET/SET_ONE_REG), a power state (KVM_GET/SET_MP_STATE), and {@link #run(long)}
 * (KVM_RUN). Its architectural state is an {@link Cpu}; {@link #cpu()} hands it to the board (exception
 * hooks, interrupt lines). A reset ({@link #init}, PSCI CPU_ON) gives the vCPU a fresh {@code Cpu} in the
 * architectural reset state, which the VM wires up as it wired the old one (MPIDR_EL1, the vGIC, the VMM's
 * {@link CpuWiring}); so hold on to {@code cpu()} only until the next reset.
 *
 * <p>Threading: the calls on one vCPU are serialised (KVM's vcpu mutex), and {@link #run} holds that lock
 * while the guest runs, so call the other methods from the vCPU's own thread, or while it is not running.
 * {@link #requestExit()}, {@link #getMpState()} and {@link #powerOn} may be called from any thread.
 */
public final class Vcpu {
    private final Vm vm;
    private final int id;
    /** Position in the VM's creation order (KVM's vcpu_idx): the GIC model's CPU number. */
    private final int index;
    private volatile Cpu cpu;
    private final Interpreter interpreter;
    /** Null until the first successful {@link #init}. */
    private Set<VcpuFeature> features;
    private volatile MpState mpState = MpState.RUNNABLE;
    /** The first-run checks passed (KVM's vcpu_has_run_once); read by the VM under its own lock. */
    private volatile boolean hasRun;

    Vcpu(Vm vm, int id, int index, Interpreter interpreter) {
        this.vm = vm;
        this.id = id;
        this.index = index;
        this.interpreter = interpreter;
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

    /** KVM_GET_ONE_REG. ENOEXEC before {@link #init}; EINVAL for a bad core offset; ENOENT for other ids. */
    public synchronized long getReg(Reg reg) {
        int n = coreIndex(reg);
        Cpu cpu = this.cpu;
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
     * KVM_SET_ONE_REG. PSTATE must name an AArch64 mode KVM accepts (EL0t, EL1t, EL1h; EL2t, EL2h too with
     * {@link VcpuFeature#HAS_EL2}), else EINVAL.
     */
    public synchronized void setReg(Reg reg, long value) {
        int n = coreIndex(reg);
        Cpu cpu = this.cpu;
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

    /** The index into X0..X30, SP, PC, PSTATE, SP_EL1, ELR_EL1, SPSR_EL1 (0..36). */
    private int coreIndex(Reg reg) {
        vm.checkOpen();
        Vm.checkPointer(reg, "register");
        if (features == null) {
            throw new KvmException(ENOEXEC, "vCPU " + id + " is not initialised");
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
     * KVM_RUN, bounded: runs up to {@code budget} guest instructions with the reference interpreter. The first
     * run maps the vGIC, with KVM's checks (ENXIO: a vCPU without redistributor or a frame not set; EINVAL:
     * frames overlap or leave the IPA space; EBUSY: a GICv3 not initialised — a GICv2 is initialised
     * implicitly); a failed first run can be retried. ENOEXEC before {@link #init}.
     */
    public ExitReason run(long budget) {
        return run(interpreter, budget);
    }

    /**
     * {@link #run(long)} with the VMM's choice of executor (the translator, a debugger's single-stepper). The
     * calling thread becomes this vCPU's bus master (banked GIC registers) for the run. An exit request that
     * stopped the run is consumed; other pending requests (an interrupt) stay for the next run.
     */
    public synchronized ExitReason run(CpuExecutor executor, long budget) {
        vm.checkOpen();
        Vm.checkPointer(executor, "executor");
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
        Cpu c = cpu;
        BusMaster.set(index);
        boolean requested = executor.run(c, budget);
        if (requested) {
            int others = c.takeExitRequest() & ~Cpu.EXIT_STOP;
            if (others != 0) {
                c.requestExit(others);
            }
        }
        if (mpState == MpState.STOPPED) {
            return ExitReason.POWERED_OFF;
        }
        return requested ? ExitReason.EXIT_REQUEST : ExitReason.BUDGET;
    }

    /** Makes a running {@link #run} return at the next instruction boundary. Any thread. */
    public void requestExit() {
        cpu.requestExit(Cpu.EXIT_STOP);
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
