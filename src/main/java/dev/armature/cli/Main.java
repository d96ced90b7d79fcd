package dev.armature.cli;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.loader.ImageFormatException;
import dev.armature.loader.KernelImage;
import dev.armature.machine.BootException;
import dev.armature.machine.ConsoleInput;
import dev.armature.machine.DebugLog;
import dev.armature.machine.VirtBoard;
import dev.armature.machine.VirtConfig;
import dev.armature.machine.VirtDeviceTree;
import dev.armature.migration.MigrationUri;
import dev.armature.migration.SnapshotException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.FileDescriptor;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The {@code armature} command: system emulation of the {@code virt} board with QEMU's option spellings (single
 * dash, value as the next argument), plus subcommands. Options QEMU has but Armature does not implement yet are
 * refused by name, never ignored.
 */
@Command(name = "armature", mixinStandardHelpOptions = false, subcommands = {UserCommand.class, TestCommand.class},
        description = "An AArch64 virtual platform: QEMU-compatible 'virt' board system emulation.",
        sortOptions = false, separator = " ")
public final class Main implements Callable<Integer> {
    /** The bundled demo guest, booted when no -kernel is given. */
    static final String DEMO_RESOURCE = "/dev/armature/guest/demo.flat";

    /** QEMU options Armature knows of but does not implement, with their arity. */
    static final Map<String, Integer> NOT_IMPLEMENTED = Map.ofEntries(
            Map.entry("-monitor", 1), Map.entry("-loadvm", 1), Map.entry("-snapshot", 0),
            Map.entry("-bios", 1), Map.entry("-pflash", 1), Map.entry("-hda", 1),
            Map.entry("-cdrom", 1), Map.entry("-netdev", 1), Map.entry("-nic", 1), Map.entry("-net", 1),
            Map.entry("-object", 1), Map.entry("-rtc", 1),
            Map.entry("-enable-kvm", 0), Map.entry("-semihosting", 0), Map.entry("-semihosting-config", 1),
            Map.entry("-boot", 1), Map.entry("-vga", 1), Map.entry("-usb", 0), Map.entry("-numa", 1),
            Map.entry("-overcommit", 1), Map.entry("-fw_cfg", 1), Map.entry("-trace", 1), Map.entry("-daemonize", 0),
            Map.entry("-pidfile", 1), Map.entry("-name", 1), Map.entry("-uuid", 1), Map.entry("-audiodev", 1),
            Map.entry("-vnc", 1), Map.entry("-parallel", 1), Map.entry("-mon", 1), Map.entry("-runas", 1),
            Map.entry("-chroot", 1), Map.entry("-mem-path", 1), Map.entry("-mem-prealloc", 0), Map.entry("-L", 1),
            Map.entry("-k", 1), Map.entry("-watchdog-action", 1), Map.entry("-action", 1), Map.entry("-sandbox", 1),
            Map.entry("-msg", 1), Map.entry("-preconfig", 0), Map.entry("-singlestep", 0), Map.entry("-seed", 1));

    @Option(names = {"-M", "-machine"}, paramLabel = "virt[,gic-version=2|3][,virtualization=on|off][,dumpdtb=FILE]",
            description = "the board (only 'virt') and its properties")
    List<String> machine = new ArrayList<>();

    @Option(names = "-cpu", paramLabel = "cortex-a57|max", description = "CPU model (default cortex-a57)")
    String cpu;

    @Option(names = "-smp", paramLabel = "N", description = "number of vCPUs (default 1)")
    String smp;

    @Option(names = "-m", paramLabel = "SIZE", description = "RAM size, suffixes K/M/G/T, bare number = MiB (default 128M)")
    String memory;

    @Option(names = "-kernel", paramLabel = "FILE", description = "arm64 Image, ELF or raw binary to boot")
    Path kernel;

    @Option(names = "-initrd", paramLabel = "FILE", description = "initial ramdisk")
    Path initrd;

    @Option(names = "-append", paramLabel = "CMDLINE", description = "kernel command line (/chosen bootargs)")
    String append;

    @Option(names = "-dtb", paramLabel = "FILE", description = "use this device tree blob instead of the generated one")
    Path dtb;

    @Option(names = "-nographic", description = "no display; serial console multiplexed on stdio (Ctrl-A x quits)")
    boolean nographic;

    @Option(names = "-serial", paramLabel = "stdio|mon:stdio|none|null|file:PATH", description = "serial port backend")
    List<String> serial = new ArrayList<>();

    @Option(names = "-display", paramLabel = "none", description = "display backend (only 'none')")
    String display;

    @Option(names = "-nodefaults", description = "no default devices (no serial console unless -serial)")
    boolean nodefaults;

    @Option(names = "-accel",
            paramLabel = "tcg[,hot=N][,tb-size=MiB][,tb-insns=N][,background=on|off][,thread=multi]|interp",
            description = "accelerator: tcg translates hot code to JVM bytecode (default), interp interprets; "
                    + "repeated, the first one Armature has wins, as in QEMU")
    List<String> accel = new ArrayList<>();

    @Option(names = "-icount", paramLabel = "[shift=]N[,sleep=off]",
            description = "deterministic time: the guest's counter advances 2^N ns per instruction (N = 0..10; "
                    + "one vCPU; shift=auto is refused)")
    String icount;

    @Option(names = "-lockstep", description = "check the translator: run the guest also on a second machine "
            + "under the interpreter, compare them at every translation block (vCPUs take turns on one thread; "
            + "implies -icount 0)")
    boolean lockstep;

    @Option(names = "-device", paramLabel = "DRIVER[,PROP=VALUE...]",
            description = "virtio-blk-device,drive=ID, virtio-rng-device, virtio-serial-device, "
                    + "virtconsole,chardev=ID, armature-dma[,iommu=on|off], vfio-platform,host=NAME[,forward=on|off]")
    List<String> devices = new ArrayList<>();

    @Option(names = "-global", paramLabel = "virtio-mmio.force-legacy=on|off",
            description = "default device properties; off makes the virtio-mmio slots modern (version 2)")
    List<String> globals = new ArrayList<>();

    @Option(names = "-drive", paramLabel = "file=F[,format=raw][,if=none|virtio][,id=ID][,readonly=on]",
            description = "a raw disk image for a virtio-blk device")
    List<String> drives = new ArrayList<>();

    @Option(names = "-chardev", paramLabel = "testdev,id=ID", description = "character device backend")
    List<String> chardevs = new ArrayList<>();

    @Option(names = "-incoming", paramLabel = "file:PATH|tcp:HOST:PORT|defer",
            description = "start from a snapshot file or a live migration received on a TCP port (defer: the QMP "
                    + "command migrate-incoming gives the URI) instead of booting")
    String incoming;

    @Option(names = "-no-reboot", description = "exit instead of rebooting when the guest resets")
    boolean noReboot;

    @Option(names = "-d", paramLabel = "ITEM[,...]", description = "log items: int, in_asm, host, summary, jit-stats ('help' lists)")
    String debug;

    @Option(names = "-D", paramLabel = "FILE", description = "write the -d log to FILE instead of stderr")
    Path debugFile;

    @Option(names = "-s", description = "shorthand for -gdb tcp::1234")
    boolean gdbDefault;

    @Option(names = "-gdb", paramLabel = "tcp::PORT", description = "wait for a GDB connection on this TCP port")
    String gdb;

    @Option(names = "-S", description = "do not start the CPUs until a debugger or the monitor continues")
    boolean startStopped;

    @Option(names = "-qmp", paramLabel = "unix:PATH,server=on,wait=off|tcp:HOST:PORT,server=on,wait=off",
            description = "QMP monitor socket")
    String qmp;

    @Option(names = {"--version", "-version"}, description = "print the version and exit")
    boolean version;

    @Option(names = {"-h", "-help", "--help"}, usageHelp = true, description = "show this help")
    boolean help;

    @Parameters(hidden = true)
    List<String> positional = new ArrayList<>();

    @Spec
    CommandSpec spec;

    private final PrintStream err;
    private final InputStream stdin;
    private final OutputStream stdout;
    private boolean noArguments;

    public Main() {
        this(System.in, new FileOutputStream(FileDescriptor.out), System.err);
    }

    Main(InputStream stdin, OutputStream stdout, PrintStream err) {
        this.stdin = stdin;
        this.stdout = stdout;
        this.err = err;
    }

    @Override
    public Integer call() {
        try {
            return execute();
        } catch (CliError e) {
            err.println("armature: " + e.getMessage());
            if (e.status == 2) {
                err.println("Try 'armature -help' for the options.");
            }
            return e.status;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("armature: interrupted");
            return 1;
        }
    }

    private int execute() throws CliError, InterruptedException {
        if (version) {
            new PrintStream(stdout, true).println("Armature " + Version.get());
            return 0;
        }
        refuseUnimplemented();
        if (!positional.isEmpty()) {
            throw new CliError("unexpected argument '" + positional.getFirst()
                    + "' (QEMU would use it as a disk image: give it with -drive file=...)", 2);
        }
        if ("help".equals(debug)) {
            for (DebugLog.Item i : DebugLog.Item.values()) {
                err.printf("%-8s %s%n", i.spelling, i.help);
            }
            return 0;
        }

        BoardOptions.Machine mo = BoardOptions.machine(machine);
        CpuModel model = BoardOptions.cpu(cpu);
        int cpus = BoardOptions.smp(smp);
        long ram = BoardOptions.memory(memory);
        String accelOption = AccelChoice.choose(accel, err);
        int icountShift = BoardOptions.icount(icount, lockstep ? 1 : cpus); // lockstep runs all vCPUs on one thread
        if (lockstep) {
            if (!accelOption.startsWith("tcg")) {
                throw new CliError("-lockstep compares the translator with the interpreter: it needs -accel tcg",
                        2);
            }
            if (devices.stream().anyMatch(d -> d.startsWith("vfio-platform"))) {
                throw new CliError("-lockstep needs both machines to see the same interrupts: an assigned host "
                        + "device (-device vfio-platform) interrupts in host time", 2);
            }
            icountShift = Math.max(icountShift, 0);
        }
        if (display != null && !display.equals("none")) {
            throw new CliError("-display " + display + ": Armature has no graphical display (use -display none "
                    + "or -nographic)");
        }
        GlobalProperties global = GlobalProperties.parse(globals);
        VirtConfig.VirtioSerial virtioSerial = PlatformDeviceOptions.virtioSerial(chardevs, devices);
        List<VirtConfig.VirtioDeviceConfig> virtioDevices = VirtioDeviceOptions.parse(drives, devices);
        VirtConfig.Dma dma = PlatformDeviceOptions.dma(devices);
        List<VirtConfig.VfioAssignment> vfio = PlatformDeviceOptions.vfio(devices);
        Serial ser = parseSerial();

        VirtConfig config;
        try {
            config = new VirtConfig(ram, cpus, model, mo.gicVersion(), mo.virtualization(), global.virtioMmioVersion,
                    virtioSerial, dma, vfio, PlatformDeviceOptions.pciTestdev(devices), virtioDevices);
        } catch (IllegalArgumentException e) {
            throw new CliError(e.getMessage(), 2);
        }

        if (kernel == null && (initrd != null || append != null)) {
            throw new CliError((initrd != null ? "-initrd" : "-append") + " is only allowed with -kernel", 2);
        }
        byte[] dtbData = dtb == null ? null : read("-dtb", dtb);
        if (kernel == null && mo.dumpDtb() != null) { // QEMU dumps the board's tree without booting anything
            return dumpDtb(mo.dumpDtb(), dtbData != null ? dtbData : VirtBoard.generatedDeviceTree(config,
                    VirtDeviceTree.Chosen.NONE));
        }
        MigrationUri incomingUri = parseIncoming();
        KernelImage image = loadKernel();
        byte[] initrdData = initrd == null ? null : read("-initrd", initrd);

        PrintStream logOut = openLog();
        try {
            DebugLog log = new DebugLog(debug == null ? EnumSet.noneOf(DebugLog.Item.class) : parseDebug(), logOut);
            VirtBoard board;
            try {
                board = new VirtBoard(config, new VirtBoard.Boot(image, initrdData, append, dtbData), ser.sink,
                        noReboot, log);
            } catch (BootException e) {
                throw new CliError(e.getMessage());
            } catch (OutOfMemoryError e) {
                throw new CliError("cannot allocate " + (ram >> 20) + " MiB of guest RAM on this host (-m)");
            }
            try (board) {
                board.machine().useAccelerator(accelOption);
                if (icountShift >= 0 && !lockstep) {
                    board.machine().useIcount(icountShift);
                }
                if (mo.dumpDtb() != null) {
                    return dumpDtb(mo.dumpDtb(), board.deviceTreeBlob());
                }
                if (incoming != null) {
                    board.machine().expectIncoming();
                }
                if (ser.readsStdin) {
                    if (stdin == System.in) {
                        TerminalMode.enterCharacterMode();
                    }
                    new ConsoleInput(stdin, board.uart(), board.machine(), ser.mux, err).start();
                }
                if (lockstep) {
                    return runLockstep(board, config, new VirtBoard.Boot(image, initrdData, append, dtbData),
                            icountShift);
                }
                DebugFrontEnds fe = DebugFrontEnds.start(board, gdb != null ? gdb : gdbDefault ? "tcp::1234" : null,
                        qmp, startStopped, err);
                if (incomingUri != null) {
                    try {
                        board.machine().incoming(incomingUri, at -> {
                            if (incomingUri.address().getPort() == 0) {
                                err.println("armature: -incoming: listening on tcp:" + at.getHostString() + ":"
                                        + at.getPort());
                            }
                        });
                    } catch (SnapshotException e) {
                        fe.finished(1);
                        throw new CliError("-incoming: " + e.getMessage());
                    }
                }
                int status = board.run();
                fe.finished(status);
                return status;
            }
        } finally {
            if (logOut != System.err) {
                logOut.close();
            }
        }
    }

    /** {@code -lockstep}: builds the interpreter's twin of {@code board} and runs both. */
    private int runLockstep(VirtBoard board, VirtConfig config, VirtBoard.Boot boot, int shift) throws CliError {
        try (VirtBoard reference = new VirtBoard(config, boot, null, noReboot, DebugLog.OFF)) {
            reference.machine().useAccelerator("interp");
            return board.runLockstep(reference, shift, err);
        } catch (BootException e) {
            throw new CliError(e.getMessage());
        }
    }

    private int dumpDtb(Path file, byte[] blob) throws CliError {
        try {
            Files.write(file, blob);
        } catch (IOException e) {
            throw new CliError("dumpdtb: cannot write " + file + ": " + e.getMessage());
        }
        err.println("armature: dtb dumped to " + file + ". Exiting.");
        return 0;
    }

    private void refuseUnimplemented() throws CliError {
        CommandLine.ParseResult pr = spec.commandLine().getParseResult();
        for (String name : NOT_IMPLEMENTED.keySet()) {
            if (pr.hasMatchedOption(name)) {
                throw new CliError("option " + name + " is not implemented yet");
            }
        }
    }

    /** Resolves -device/-chardev into the virtio-serial configuration kvm-unit-tests uses. */
    /** {@code -device armature-dma[,iommu=on|off]}: the DMA test engine on the platform bus, at most one. */
    /** {@code -device pci-testdev}: QEMU's PCI test device in slot 1 of the PCIe root bus, at most one. */
    /** The PL011 backend. */
    private record Serial(OutputStream sink, boolean readsStdin, boolean mux) {
    }

    private Serial parseSerial() throws CliError {
        if (serial.size() > 1) {
            throw new CliError("-serial given more than once; the virt board has one UART");
        }
        String s = serial.isEmpty() ? null : serial.getFirst();
        if (s == null) {
            if (nographic) {
                return new Serial(stdout, true, true);
            }
            // QEMU would show the console in a graphical window; Armature has none, so stdio is the default.
            return nodefaults ? new Serial(null, false, false) : new Serial(stdout, true, false);
        }
        if (s.equals("stdio")) {
            return new Serial(stdout, true, nographic);
        } else if (s.equals("mon:stdio")) {
            return new Serial(stdout, true, true);
        } else if (s.equals("none") || s.equals("null")) {
            return new Serial(null, false, false);
        } else if (s.startsWith("file:")) {
            try {
                return new Serial(new FileOutputStream(s.substring(5)), false, false);
            } catch (FileNotFoundException e) {
                throw new CliError("-serial " + s + ": cannot open: " + e.getMessage());
            }
        }
        throw new CliError("-serial " + s + ": unsupported backend (stdio, mon:stdio, none, null, file:PATH)");
    }

    private java.util.Set<DebugLog.Item> parseDebug() throws CliError {
        try {
            return DebugLog.parse(debug);
        } catch (IllegalArgumentException e) {
            throw new CliError("-d: " + e.getMessage(), 2);
        }
    }

    private PrintStream openLog() throws CliError {
        if (debugFile == null) {
            return System.err;
        }
        try {
            return new PrintStream(new FileOutputStream(debugFile.toFile()), true);
        } catch (FileNotFoundException e) {
            throw new CliError("-D " + debugFile + ": cannot open: " + e.getMessage());
        }
    }

    /**
     * {@code -incoming file:PATH|tcp:HOST:PORT}: the snapshot or live migration to start from (a system reset
     * still boots the -kernel); null without -incoming or with {@code defer} (QMP's migrate-incoming gives it).
     */
    private MigrationUri parseIncoming() throws CliError {
        if (incoming == null || incoming.equals("defer")) {
            return null;
        }
        try {
            return MigrationUri.parse(incoming);
        } catch (IllegalArgumentException e) {
            throw new CliError("-incoming " + e.getMessage(), 2);
        }
    }

    private KernelImage loadKernel() throws CliError {
        byte[] data;
        String what;
        if (kernel != null) {
            data = read("-kernel", kernel);
            what = "-kernel " + kernel;
        } else {
            if (!noArguments && incoming == null) {
                err.println("armature: no -kernel given: booting the bundled demo guest");
            }
            try (InputStream in = Main.class.getResourceAsStream(DEMO_RESOURCE)) {
                if (in == null) {
                    throw new CliError("no -kernel given, and the bundled demo guest (" + DEMO_RESOURCE.substring(1)
                            + ") is missing from this build: build guest/images/demo.flat, then rebuild");
                }
                data = in.readAllBytes();
            } catch (IOException e) {
                throw new CliError("cannot read the bundled demo guest: " + e.getMessage());
            }
            what = "the bundled demo guest";
        }
        try {
            return KernelImage.identify(data);
        } catch (ImageFormatException e) {
            throw new CliError(what + ": " + e.getMessage());
        }
    }

    private static byte[] read(String option, Path file) throws CliError {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CliError(option + " " + file + ": no such file");
        } catch (IOException e) {
            throw new CliError(option + " " + file + ": cannot read: " + e.getMessage());
        } catch (OutOfMemoryError e) {
            throw new CliError(option + " " + file + ": too large to load");
        }
    }

    /** Builds the picocli command line with QEMU's conventions (no clustering, refused options registered). */
    static CommandLine commandLine(Main main) {
        CommandLine cl = new CommandLine(main);
        cl.setPosixClusteredShortOptionsAllowed(false);
        cl.setAllowOptionsAsOptionParameters(true); // -append "-v" is a kernel argument, not an option
        cl.setOverwrittenOptionsAllowed(true); // as in QEMU, a repeated option's last value wins
        for (Map.Entry<String, Integer> e : NOT_IMPLEMENTED.entrySet()) {
            cl.getCommandSpec().addOption(OptionSpec.builder(e.getKey()).arity(String.valueOf(e.getValue()))
                    .type(e.getValue() == 0 ? boolean.class : String.class).hidden(true).build());
        }
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintStream w = main.err;
            w.println("armature: " + ex.getMessage());
            ex.getCommandLine().usage(w);
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, c, pr) -> {
            main.err.println("armature: internal error: " + ex);
            return 1;
        });
        return cl;
    }

    /** Runs the command line and returns the exit status (for tests and {@link #main}). */
    static int run(Main main, String... args) {
        main.noArguments = args.length == 0;
        return commandLine(main).execute(args);
    }

    public static void main(String[] args) {
        System.exit(run(new Main(), args));
    }
}
