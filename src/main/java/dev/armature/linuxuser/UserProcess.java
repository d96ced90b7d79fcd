package dev.armature.linuxuser;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.Esr;
import dev.armature.arch.aarch64.Feature;
import dev.armature.arch.aarch64.IdRegisters;
import dev.armature.arch.aarch64.SyncException;
import dev.armature.loader.ElfFile;
import dev.armature.loader.ElfFile.ElfException;
import dev.armature.vm.ExceptionEvent;
import dev.armature.vm.HookAction;
import dev.armature.vm.KvmException;
import dev.armature.vm.Reg;
import dev.armature.vm.Vcpu;
import dev.armature.vm.Vm;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * One static AArch64 Linux program run in user mode (like qemu-aarch64): the ELF is mapped into a fresh guest
 * physical space with the MMU off (VA = PA), the stack is built as the kernel builds it, and the CPU runs at EL0
 * with SP_EL0. SVC #0 is a system call ({@link LinuxSyscalls}); any other synchronous exception ends the process
 * with the signal the Linux kernel would send (SIGILL, SIGSEGV, SIGBUS, SIGTRAP, SIGFPE).
 *
 * <p>It is built on the embedding API (docs/embedding.md) as its worked example: a bare {@link Vm} whose IPA
 * space is the model's physical address size, one {@link Vcpu} set to EL0 through {@link Vcpu#setReg}, an
 * {@link dev.armature.vm.InterruptHook} that turns SVC into system calls and faults into signals, and
 * {@link Vcpu#start} in slices. Guest mappings are made by {@link AddressSpace} on the VM's physical memory with
 * their own host segments, so that munmap gives memory back.
 */
public final class UserProcess implements AutoCloseable {
    public static final long STACK_SIZE = 8L << 20;
    /** The gap between the stack top and the mmap area, like the kernel's mmap_base. */
    private static final long STACK_GAP = 256L << 20;
    /** Interpreter slice between checks of the instruction limit. */
    private static final long SLICE = 1 << 20;

    /**
     * What to run and how: standard streams, environment, tracing, an optional instruction limit and the
     * {@code -accel} value (interp, the reference, or tcg[,options]).
     */
    public record Config(CpuModel model, List<String> env, InputStream stdin, OutputStream stdout,
                         OutputStream stderr, boolean hostStdio, PrintStream strace, long instructionLimit,
                         String accel) {
        /** A configuration for tests and tools: given streams, the interpreter, no tracing, no limit. */
        public static Config of(CpuModel model, List<String> env, InputStream in, OutputStream out,
                                OutputStream err) {
            return new Config(model, env, in, out, err, false, null, 0, "interp");
        }

        public Config withStrace(PrintStream s) {
            return new Config(model, env, stdin, stdout, stderr, hostStdio, s, instructionLimit, accel);
        }

        public Config withInstructionLimit(long n) {
            return new Config(model, env, stdin, stdout, stderr, hostStdio, strace, n, accel);
        }

        public Config withAccel(String a) {
            return new Config(model, env, stdin, stdout, stderr, hostStdio, strace, instructionLimit, a);
        }
    }

    private final Vm vm;
    private final Vcpu vcpu;
    private final Cpu cpu;
    private final AddressSpace as;
    private final LinuxSyscalls syscalls;
    private final Config config;
    private final long initialSp;
    private final long stackTop;
    private ExitStatus exit;

    private UserProcess(ElfFile elf, Path executable, List<String> argv, Config config) throws ElfException {
        this.config = config;
        // With the MMU off, VA = PA: every user address must fit the model's physical address size.
        int paBits = new IdRegisters(config.model()).physicalAddressBits;
        try {
            this.vm = Vm.builder().cpuModel(config.model()).accel(config.accel()).ipaBits(paBits).build();
        } catch (KvmException e) {
            throw new IllegalArgumentException(e.getMessage().replaceFirst("^EINVAL: ", ""), e);
        }
        this.vcpu = vm.createVcpu(0);
        vcpu.init(Set.of());
        this.cpu = vcpu.cpu();
        this.as = new AddressSpace(vm.memory(), cpu.memory::flushTlb);
        this.stackTop = 1L << paBits;
        ProgramLoader.LoadedProgram prog;
        try {
            prog = ProgramLoader.load(elf, as, mmapTop());
            as.map(stackTop - STACK_SIZE, STACK_SIZE, AddressSpace.PROT_READ | AddressSpace.PROT_WRITE, "[stack]");
            initialSp = buildStack(prog, executable, argv, config, as, stackTop);
        } catch (ElfException | RuntimeException e) {
            vm.close();
            throw e;
        }
        int[] ids = hostIds();
        FileTable files = new FileTable(config.stdin(), config.stdout(), config.stderr(), config.hostStdio());
        syscalls = new LinuxSyscalls(as, files, prog.brkStart(), mmapTop(), executable, ids[0], ids[1],
                this::terminate);
        syscalls.setStrace(config.strace());
        enterUserMode(prog.entry());
    }

    private static long buildStack(ProgramLoader.LoadedProgram prog, Path executable, List<String> argv,
                                   Config config, AddressSpace as, long top) throws ElfException {
        int[] ids = hostIds();
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        InitialStack.Facts facts = new InitialStack.Facts(prog, hwcap(config.model()), 0, 0x1270, ids[0], ids[1],
                random);
        try {
            return InitialStack.build(as, top, argv, config.env(), executable.toString(), facts);
        } catch (AddressSpace.Fault e) {
            throw new ElfException("arguments and environment do not fit in the " + (STACK_SIZE >> 20)
                    + " MiB stack");
        }
    }

    /** Loads {@code program} with the given argv (argv[0] included) ready to run. */
    public static UserProcess load(ElfFile elf, Path executable, List<String> argv, Config config)
            throws ElfException {
        return new UserProcess(elf, executable, argv, config);
    }

    /** AT_HWCAP for what the model implements (bit numbers from arm64's uapi hwcap.h). */
    static long hwcap(CpuModel m) {
        long h = 1L << 2 | 1L << 11; // EVTSTRM (the generic timer event stream), CPUID (MRS emulation)
        h |= m.has(Feature.FP) ? 1L : 0;
        h |= m.has(Feature.ASIMD) ? 1L << 1 : 0;
        h |= m.has(Feature.AES) ? 1L << 3 : 0;
        h |= m.has(Feature.PMULL) ? 1L << 4 : 0;
        h |= m.has(Feature.SHA1) ? 1L << 5 : 0;
        h |= m.has(Feature.SHA256) ? 1L << 6 : 0;
        h |= m.has(Feature.CRC32) ? 1L << 7 : 0;
        h |= m.has(Feature.LSE) ? 1L << 8 : 0;
        h |= m.has(Feature.LRCPC) ? 1L << 15 : 0;
        return h;
    }

    private static int[] hostIds() {
        try {
            Path self = Path.of("/proc/self");
            return new int[] {(Integer) Files.getAttribute(self, "unix:uid"),
                (Integer) Files.getAttribute(self, "unix:gid")};
        } catch (Exception e) {
            return new int[] {0, 0};
        }
    }

    /** EL0 state as Linux leaves it at execve: SP_EL0, DAIF clear, FP/SIMD enabled, EL0 cache ops allowed. */
    private void enterUserMode(long entry) {
        // SCTLR_EL1 for EL0 as Linux sets it: UCI, UCT, DZE, SA0 (the MMU stays off: VA = PA). Unlike Linux,
        // nTWI/nTWE stay clear so WFI/WFE trap here and complete at once: no interrupt would ever wake them.
        long sctlr = vcpu.getSysReg("SCTLR_EL1");
        vcpu.setSysReg("SCTLR_EL1", sctlr & ~(1L << 18 | 1L << 16) | 1L << 26 | 1L << 15 | 1L << 14 | 1L << 4);
        vcpu.setSysReg("CPACR_EL1", 3L << 20); // FPEN: FP/SIMD does not trap
        vcpu.setReg(Reg.PSTATE, 0); // EL0t, NZCV and DAIF clear
        vcpu.setReg(Reg.SP, initialSp);
        vcpu.setReg(Reg.PC, entry);
        vm.addInterruptHook(0, -1, (v, e) -> exception(e));
    }

    /** Every exception from EL0: a system call, a hint to skip, an emulated ID register read, or a signal. */
    private HookAction exception(ExceptionEvent e) {
        if (e.ec() == Esr.EC_SVC64) {
            syscalls.handle(cpu);
        } else if (e.ec() == Esr.EC_WFX) {
            cpu.pc += 4; // a hint for a lone thread: carry on, as qemu-user does
        } else if ((e.ec() == Esr.EC_UNKNOWN || e.ec() == Esr.EC_SYSREG) && emulateIdRead(cpu)) {
            return HookAction.RESUME;
        } else {
            terminate(fault(new SyncException(e.ec(), e.iss(), e.far(), e.farValid(), e.pc())));
        }
        return HookAction.RESUME;
    }

    private static boolean emulateIdRead(Cpu c) {
        try {
            return IdRegisterEmulation.emulate(c, c.memory.fetch(c.pc));
        } catch (SyncException fetchFault) {
            return false;
        }
    }

    /** The signal the kernel sends for a synchronous exception from EL0, with a one-line reason. */
    static ExitStatus fault(SyncException e) {
        int sig = switch (e.ec) {
            case Esr.EC_BRK64 -> Signals.SIGTRAP;
            case Esr.EC_DABT_LOWER, Esr.EC_DABT_SAME, Esr.EC_IABT_LOWER, Esr.EC_IABT_SAME ->
                    (e.iss & 0x3f) == Esr.FSC_ALIGNMENT ? Signals.SIGBUS : Signals.SIGSEGV;
            case Esr.EC_PC_ALIGN, Esr.EC_SP_ALIGN -> Signals.SIGBUS;
            case Esr.EC_FP_EXC64 -> Signals.SIGFPE;
            default -> Signals.SIGILL;
        };
        long esr = (long) e.ec << 26 | 1L << 25 | (e.iss & 0x1ff_ffff);
        return ExitStatus.killed(sig, String.format("%s at PC 0x%x: %s, ESR 0x%08x%s", Signals.name(sig),
                e.preferredReturn, Esr.className(e.ec), esr, e.farValid ? String.format(", FAR 0x%x", e.far) : ""));
    }

    private void terminate(ExitStatus status) {
        if (exit == null) {
            exit = status;
        }
        vcpu.stop();
    }

    /** Runs the program to its end. */
    public ExitStatus run() {
        long limit = config.instructionLimit();
        try {
            while (exit == null) {
                long budget = limit > 0 ? Math.min(SLICE, limit - vcpu.instructions()) : SLICE;
                if (budget <= 0) {
                    terminate(ExitStatus.killed(24, "SIGXCPU: instruction limit of " + limit + " reached at PC 0x"
                            + Long.toHexString(cpu.pc)));
                    break;
                }
                vcpu.start(cpu.pc, Vcpu.NO_END, Duration.ZERO, budget);
            }
        } catch (RuntimeException e) {
            throw new IllegalStateException(String.format("emulator failure at PC 0x%x: %s", cpu.pc, e), e);
        } finally {
            syscalls.close();
        }
        return exit;
    }

    /**
     * Top of the user address space and of the stack: 2^PARange of the model (2^44 for cortex-a57, 2^48 for max),
     * because with the MMU off a virtual address is used as a physical one.
     */
    public long stackTop() {
        return stackTop;
    }

    /** mmap places mappings below this. */
    public long mmapTop() {
        return stackTop - STACK_GAP;
    }

    public Cpu cpu() {
        return cpu;
    }

    public AddressSpace addressSpace() {
        return as;
    }

    public LinuxSyscalls syscalls() {
        return syscalls;
    }

    /** Guest instructions executed so far. */
    public long instructions() {
        return vcpu.instructions();
    }

    /** The VM the program runs in: for hooks, snapshots and memory access through the embedding API. */
    public Vm vm() {
        return vm;
    }

    @Override
    public void close() {
        vm.close();
    }
}
