package dev.armature.cli;

import dev.armature.testrunner.GuestTestRunner;
import dev.armature.testrunner.JUnitXml;
import dev.armature.testrunner.Outcome;
import dev.armature.testrunner.TestSpec;
import dev.armature.testrunner.UnittestsCfg;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.Console;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/** {@code armature test}: runs guest tests described by a kvm-unit-tests {@code unittests.cfg}. */
@Command(name = "test", description = "Run guest tests from a kvm-unit-tests style unittests.cfg.")
public final class TestCommand implements Callable<Integer> {
    @Option(names = "--cfg", paramLabel = "FILE", description = "test list (default: guest/unittests.cfg)")
    Path cfg = Path.of("guest", "unittests.cfg");

    @Option(names = "--dir", paramLabel = "DIR",
            description = "where test images are (default: the cfg's images/ directory if present, else its own)")
    Path dir;

    @Option(names = {"-g", "--group"}, split = ",", paramLabel = "GROUP", description = "run only these groups")
    List<String> groups = new ArrayList<>();

    @Option(names = "-j", paramLabel = "N", description = "tests to run in parallel (default 1)")
    int jobs = 1;

    @Option(names = "--accel", paramLabel = "tcg[,OPTS]|interp", description = "accelerator, with options as "
            + "-accel takes them, e.g. tcg,hot=50 (default tcg)")
    String accel = "tcg";

    /**
     * kvm-unit-tests defaults MAX_SMP to the host's CPU count because KVM vCPUs need host CPUs. Ours are emulated
     * threads that may outnumber host cores, so the default is the GICv2 limit of 8 vCPUs.
     */
    @Option(names = "--max-smp", paramLabel = "N", description = "MAX_SMP for smp expressions (default 8)")
    int maxSmp = 8;

    @Option(names = "--lockstep", description = "run each test with -lockstep (translator checked against the "
            + "interpreter at every block, vCPUs taking turns on one thread)")
    boolean lockstep;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "default per-test timeout (default 90)")
    double timeout = 90;

    @Option(names = "--logs", paramLabel = "DIR", description = "console logs directory (default logs)")
    Path logs = Path.of("logs");

    @Option(names = "--junit", paramLabel = "FILE", description = "also write JUnit XML")
    Path junit;

    @Option(names = "--tap", description = "print TAP instead of plain result lines")
    boolean tap;

    @Parameters(paramLabel = "NAME", arity = "0..*", description = "tests to run (default: all but nodefault)")
    List<String> names = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        String accelName = accel.split(",", 2)[0];
        if (!accelName.equals("tcg") && !accelName.equals("interp")) {
            System.err.println("armature test: --accel must be tcg or interp, not '" + accel + "'");
            return 2;
        }
        UnittestsCfg config;
        try {
            config = UnittestsCfg.read(cfg);
        } catch (IOException e) {
            System.err.println("armature test: cannot read " + cfg + ": " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException e) {
            System.err.println("armature test: " + e.getMessage());
            return 2;
        }
        config.warnings().forEach(w -> System.err.println("warning: " + w));
        List<TestSpec> selected = select(config.tests());
        if (selected == null) {
            return 2;
        }
        Path imageDir = dir;
        if (imageDir == null) {
            Path parent = cfg.toAbsolutePath().getParent();
            imageDir = Files.isDirectory(parent.resolve("images")) ? parent.resolve("images") : parent;
        }
        if (lockstep && !accelName.equals("tcg")) {
            System.err.println("armature test: --lockstep checks the translator: it needs --accel tcg");
            return 2;
        }
        List<String> emulator = new ArrayList<>(emulatorCommand());
        if (lockstep) {
            emulator.add("-lockstep");
        }
        // The suite's guests are short: at the default translation threshold (50 000) lockstep would compare
        // little but interpreted steps, so unless told otherwise it translates after 1000 executions.
        String accelValue = lockstep && accel.equals("tcg") ? "tcg,hot=1000" : accel;
        GuestTestRunner runner = new GuestTestRunner(new GuestTestRunner.Settings(imageDir, logs, accelValue,
                maxSmp, timeout, emulator));
        Console console = System.console();
        boolean live = !tap && console != null && console.isTerminal();
        long start = System.nanoTime();
        AtomicInteger done = new AtomicInteger();
        if (tap) {
            System.out.println("TAP version 13");
            System.out.println("1.." + selected.size());
        }
        List<Outcome> outcomes = runner.runAll(selected, jobs, o -> {
            int n = done.incrementAndGet();
            if (live) {
                System.out.print("\r\033[K");
            }
            System.out.println(tap ? tapLine(n, o) : o.line());
            if (live && n < selected.size()) {
                System.out.printf("[%d/%d tests, %.0f s]", n, selected.size(), (System.nanoTime() - start) / 1e9);
                System.out.flush();
            }
        });
        if (junit != null) {
            JUnitXml.write(junit, "armature-guest-" + accelName, outcomes);
        }
        GuestTestRunner.printTotals(System.out, outcomes);
        return outcomes.stream().anyMatch(o -> o.status() == Outcome.Status.FAIL) ? 1 : 0;
    }

    private static String tapLine(int n, Outcome o) {
        return switch (o.status()) {
            case PASS -> "ok " + n + " - " + o.name();
            case FAIL -> "not ok " + n + " - " + o.name() + " # " + o.reason();
            case SKIP -> "ok " + n + " - " + o.name() + " # SKIP " + o.reason();
        };
    }

    /** The tests named, or in the groups asked for, or all default ones; null (after a message) on a bad name. */
    private List<TestSpec> select(List<TestSpec> all) {
        Set<String> known = new LinkedHashSet<>();
        all.forEach(t -> known.add(t.name()));
        for (String n : names) {
            if (!known.contains(n)) {
                System.err.println("armature test: no test named '" + n + "' in " + cfg);
                return null;
            }
        }
        List<TestSpec> out = new ArrayList<>();
        for (TestSpec t : all) {
            boolean byName = names.contains(t.name());
            boolean byGroup = t.groups().stream().anyMatch(groups::contains);
            if (!names.isEmpty() || !groups.isEmpty() ? byName || byGroup : !t.nodefault()) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * Runs each test in a fresh JVM of this same build, so every test gets a fresh VM and isolation. The launcher's
     * AOT cache, when this JVM has one, is passed on: it saves each test a quarter of its JVM start-up.
     */
    private static List<String> emulatorCommand() {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command =
                new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:+UseParallelGC"));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-XX:AOTCache=") || arg.startsWith("-Xlog:aot") || arg.equals("-XX:-AOTReplayTraining")
                    || arg.equals("-XX:+UnlockDiagnosticVMOptions")) {
                command.add(arg);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        return command;
    }
}
