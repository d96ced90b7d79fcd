package dev.armature.cli;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.linuxuser.ExitStatus;
import dev.armature.linuxuser.UserProcess;
import dev.armature.loader.ElfFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code armature user [-cpu MODEL] [-accel A] [-E VAR=VAL] [-U VAR] [-strace] [-d syscalls] PROGRAM [ARGS...]}: runs a
 * static arm64 Linux ELF at EL0, like qemu-aarch64. The exit status is the guest's, or 128 + the signal that
 * killed it.
 */
@Command(name = "user", description = "Run a static arm64 Linux program (like qemu-aarch64).",
        sortOptions = false)
public final class UserCommand implements Callable<Integer> {
    @Option(names = "-cpu", paramLabel = "MODEL", description = "CPU model: cortex-a57 (default) or max")
    String cpu = "cortex-a57";

    @Option(names = "-accel", paramLabel = "ACCEL",
            description = "interp (default, the reference interpreter) or tcg[,options] (the translator)")
    String accel = "interp";

    @Option(names = "-E", paramLabel = "VAR=VALUE", description = "set an environment variable for the guest")
    List<String> setEnv = new ArrayList<>();

    @Option(names = "-U", paramLabel = "VAR", description = "remove a variable from the guest's environment")
    List<String> unsetEnv = new ArrayList<>();

    @Option(names = "-strace", description = "log system calls to stderr")
    boolean strace;

    @Option(names = "-d", paramLabel = "ITEMS", split = ",",
            description = "debug logs: syscalls (count unimplemented system calls at exit)")
    List<String> debug = new ArrayList<>();

    @Option(names = {"-h", "-help", "--help"}, usageHelp = true, description = "show this help")
    boolean help;

    @Parameters(arity = "1..*", paramLabel = "PROGRAM [ARGS...]", description = "the program and its arguments")
    List<String> argv;

    /** Options after PROGRAM belong to the guest, as with qemu-user. */
    @Spec
    void configure(CommandSpec spec) {
        spec.parser().stopAtPositional(true);
    }

    @Override
    public Integer call() {
        CpuModel model;
        try {
            model = CpuModel.byName(cpu);
        } catch (IllegalArgumentException e) {
            return fail(e.getMessage());
        }
        for (String d : debug) {
            if (!d.equals("syscalls")) {
                return fail("unknown -d item '" + d + "' (available: syscalls)");
            }
        }
        Map<String, String> env = new LinkedHashMap<>(System.getenv());
        for (String kv : setEnv) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                return fail("-E needs VAR=VALUE, got '" + kv + "'");
            }
            env.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        unsetEnv.forEach(env::remove);
        List<String> envList = new ArrayList<>();
        env.forEach((k, v) -> envList.add(k + "=" + v));

        Path program = Path.of(argv.getFirst());
        ElfFile elf;
        try {
            elf = ElfFile.read(program);
        } catch (java.nio.file.NoSuchFileException e) {
            return fail(program + ": no such file");
        } catch (java.nio.file.AccessDeniedException e) {
            return fail(program + ": permission denied");
        } catch (IOException e) {
            return fail("cannot read " + program + ": " + e.getMessage());
        } catch (ElfFile.ElfException e) {
            return fail(program + ": " + e.getMessage());
        }
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true);
        UserProcess.Config config = new UserProcess.Config(model, envList, System.in, out, err, true,
                strace ? err : null, 0, accel);
        try (UserProcess p = UserProcess.load(elf, program, argv, config)) {
            ExitStatus status;
            try {
                status = p.run();
            } finally {
                out.flush();
                if (debug.contains("syscalls")) {
                    reportUnknown(p.syscalls().unknownCounts(), err);
                }
            }
            if (status.signal() != 0) {
                err.println("armature: guest killed by " + status.message());
            }
            return status.shellStatus();
        } catch (ElfFile.ElfException e) {
            return fail(program + ": " + e.getMessage());
        } catch (IllegalStateException | IllegalArgumentException e) { // emulator failure, bad -accel
            return fail(e.getMessage());
        }
    }

    private static void reportUnknown(Map<Long, Integer> counts, PrintStream err) {
        if (counts.isEmpty()) {
            err.println("armature: no unimplemented system calls were made");
        }
        counts.forEach((nr, n) -> err.printf("armature: unimplemented system call %d (%s): %d call%s, -ENOSYS%n",
                nr, dev.armature.linuxuser.LinuxSyscalls.syscallName(nr), n, n == 1 ? "" : "s"));
    }

    private static int fail(String message) {
        System.err.println("armature user: " + message);
        return 1;
    }
}
