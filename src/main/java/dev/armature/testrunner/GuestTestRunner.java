package dev.armature.testrunner;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs guest tests, each in a fresh emulator process (a fresh VM, isolated from the others), reading the
 * console protocol and the exit status as kvm-unit-tests' runner does.
 *
 * <p>Exit status rules: with QEMU's chr-testdev the emulator exits with (code << 1) | 1: code 0 = PASS,
 * 38 = SKIP (everything skipped), anything else = FAIL. Exit 0 (PSCI SYSTEM_OFF, no test device) falls back to
 * the {@code EXIT: STATUS=} line of the console.
 */
public final class GuestTestRunner {
    /**
     * Runner settings (command-line options of {@code armature test}).
     *
     * @param accel the {@code -accel} value tests run with unless their extra_params give one: an accelerator
     *              name, possibly with options ({@code tcg,hot=1000})
     */
    public record Settings(Path imageDir, Path logDir, String accel, int maxSmp, double defaultTimeout,
                           List<String> emulatorCommand) {
        /** The accelerator's name, without options. */
        String accelName() {
            return accel.split(",", 2)[0];
        }
    }

    private final Settings settings;

    public GuestTestRunner(Settings settings) {
        this.settings = settings;
    }

    /** Runs the tests with {@code jobs} in parallel; {@code listener} gets each outcome as it completes. */
    public List<Outcome> runAll(List<TestSpec> tests, int jobs, java.util.function.Consumer<Outcome> listener)
            throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, jobs));
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (TestSpec t : tests) {
                futures.add(pool.submit(() -> {
                    Outcome o = run(t);
                    synchronized (listener) {
                        listener.accept(o);
                    }
                    return o;
                }));
            }
            List<Outcome> out = new ArrayList<>();
            for (Future<Outcome> f : futures) {
                try {
                    out.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException("test runner failure", e.getCause());
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Runs one test to completion (or timeout). Never throws for a guest's or emulator's misbehaviour. */
    public Outcome run(TestSpec t) {
        String skip = skipReason(t);
        if (skip != null) {
            return new Outcome(t.name(), Outcome.Status.SKIP, skip, 0, 0, null);
        }
        long smp;
        try {
            smp = t.smp() == null ? 1 : ShellArithmetic.evaluate(t.smp(), Map.of("MAX_SMP", (long) settings.maxSmp()));
        } catch (IllegalArgumentException e) {
            return new Outcome(t.name(), Outcome.Status.FAIL, "bad smp: " + e.getMessage(), 0, 0, null);
        }
        if (smp > settings.maxSmp()) {
            return new Outcome(t.name(), Outcome.Status.SKIP,
                    "needs " + smp + " vCPUs, MAX_SMP is " + settings.maxSmp(), 0, 0, null);
        }
        Path image = settings.imageDir().resolve(t.file());
        if (!Files.isRegularFile(image)) {
            return new Outcome(t.name(), Outcome.Status.FAIL, "image not found: " + image, 0, 0, null);
        }
        List<String> cmd = new ArrayList<>(settings.emulatorCommand());
        cmd.addAll(List.of("-nodefaults", "-machine", "virt"));
        if (ownAccel(t) == null) {
            cmd.addAll(List.of("-accel", settings.accel()));
        }
        cmd.addAll(List.of("-cpu", "cortex-a57",
                "-device", "virtio-serial-device", "-device", "virtconsole,chardev=ctd",
                "-chardev", "testdev,id=ctd", "-display", "none", "-serial", "stdio",
                "-kernel", image.toString(), "-smp", Long.toString(smp)));
        cmd.addAll(t.extraParams());
        double timeout = t.timeoutSeconds() > 0 ? t.timeoutSeconds() : settings.defaultTimeout();
        Path log = settings.logDir().resolve(t.name().replaceAll("[^A-Za-z0-9_.-]", "_") + ".log");
        long start = System.nanoTime();
        try {
            Files.createDirectories(settings.logDir());
            Files.writeString(log, String.join(" ", cmd) + "\n", StandardCharsets.UTF_8);
            Process p;
            Path destinationLog = null;
            if (t.groups().contains("migration")) {
                MigrationRun.Result m = MigrationRun.start(cmd, log, start + (long) (timeout * 1e9),
                        t.groups().contains("migration-file") ? MigrationRun.Transport.FILE
                                : MigrationRun.Transport.TCP);
                destinationLog = m.destinationLog();
                if (m.failure() != null) {
                    appendDestination(log, destinationLog);
                    return new Outcome(t.name(), Outcome.Status.FAIL, m.failure(), 0, (System.nanoTime() - start) / 1e9,
                            log);
                }
                p = m.destination();
            } else {
                p = new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            }
            long left = Math.max(0, start + (long) (timeout * 1e9) - System.nanoTime());
            boolean done = p.waitFor(left, TimeUnit.NANOSECONDS);
            if (destinationLog != null && done) {
                appendDestination(log, destinationLog);
            }
            double secs = (System.nanoTime() - start) / 1e9;
            if (!done) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                if (destinationLog != null) {
                    appendDestination(log, destinationLog);
                }
                ConsoleLog c = ConsoleLog.parse(Files.readAllLines(log, StandardCharsets.UTF_8));
                return new Outcome(t.name(), Outcome.Status.FAIL, String.format("timeout after %.0f s", timeout),
                        c.checks(), secs, log);
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return expectOutput(t, judge(t.name(), p.exitValue(), ConsoleLog.parse(lines), lines, secs, log),
                    lines);
        } catch (IOException e) {
            return new Outcome(t.name(), Outcome.Status.FAIL, "could not run emulator: " + e.getMessage(), 0,
                    (System.nanoTime() - start) / 1e9, log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(t.name(), Outcome.Status.FAIL, "interrupted", 0, 0, log);
        }
    }

    /**
     * A migration test's log: the source's console, then the destination's (whose file goes, with the snapshot
     * a file migration passed on).
     */
    private static void appendDestination(Path log, Path destinationLog) throws IOException {
        Files.deleteIfExists(MigrationRun.snapshotFile(log));
        if (Files.exists(destinationLog)) {
            Files.writeString(log, "--- migrated to the destination ---\n" + Files.readString(destinationLog),
                    StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            Files.delete(destinationLog);
        }
    }

    static Outcome judge(String name, int rc, ConsoleLog c, List<String> lines, double secs, Path log) {
        int status;
        // An odd status is chr-testdev's only if the guest spoke the protocol: the emulator's own errors
        // (a bad command-line option, status 1) print no result, SUMMARY or EXIT line.
        boolean guestReported = c.checks() > 0 || c.summary() != null || c.exitStatus().isPresent();
        if ((rc & 1) == 1 && guestReported) {
            status = rc;
        } else if (rc == 0 && c.exitStatus().isPresent()) {
            status = c.exitStatus().getAsInt();
        } else if (rc == 0) {
            return new Outcome(name, Outcome.Status.FAIL, "guest stopped without an exit status", c.checks(), secs,
                    log);
        } else {
            return new Outcome(name, Outcome.Status.FAIL, "emulator exited with " + rc + lastError(lines),
                    c.checks(), secs, log);
        }
        int code = status >>> 1;
        if (code == 0) {
            return new Outcome(name, Outcome.Status.PASS, null, c.checks(), secs, log);
        }
        if (code == 38) {
            return new Outcome(name, Outcome.Status.SKIP, c.summary() != null ? c.summary() : "all tests skipped",
                    c.checks(), secs, log);
        }
        String reason = c.fail() > 0 ? c.fail() + " unexpected failures, first: " + c.firstFailure()
                : code == 63 ? "guest aborted" : "exit code " + code;
        return new Outcome(name, Outcome.Status.FAIL, reason, c.checks(), secs, log);
    }

    /** A pass becomes a failure if the test's {@code expect_output} matches no line of the output. */
    static Outcome expectOutput(TestSpec t, Outcome o, List<String> lines) {
        if (t.expectOutput() == null || o.status() != Outcome.Status.PASS
                || lines.stream().anyMatch(l -> t.expectOutput().matcher(l).find())) {
            return o;
        }
        return new Outcome(o.name(), Outcome.Status.FAIL, "no output line matches expect_output /"
                + t.expectOutput().pattern() + "/", o.checks(), o.seconds(), o.log());
    }

    private static String lastError(List<String> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            String l = lines.get(i).strip();
            if (!l.isEmpty()) {
                return ": " + l;
            }
        }
        return "";
    }

    /**
     * The {@code -accel} value a test's extra_params give (e.g. {@code tcg,tb-size=1}), or null. Such a test
     * runs with its own accelerator options instead of the runner's, and only under the same accelerator.
     */
    private static String ownAccel(TestSpec t) {
        List<String> p = t.extraParams();
        for (int i = 0; i + 1 < p.size(); i++) {
            if (p.get(i).equals("-accel")) {
                return p.get(i + 1);
            }
        }
        return null;
    }

    private String skipReason(TestSpec t) {
        if (t.arch() != null && !t.arch().equals("arm64") && !t.arch().equals("aarch64")) {
            return "arch " + t.arch() + " only";
        }
        // accel = tcg in kvm-unit-tests means "software emulation, not KVM": both our accelerators qualify.
        if (t.accel() != null && !t.accel().equals("tcg") && !t.accel().equals(settings.accelName())) {
            return "needs accel " + t.accel();
        }
        String own = ownAccel(t);
        if (own != null && !own.split(",", 2)[0].equals(settings.accelName())) {
            return "extra_params select -accel " + own;
        }
        for (String check : t.checks()) {
            int eq = check.indexOf('=');
            if (eq <= 0) {
                return "malformed check '" + check + "'";
            }
            try {
                String have = Files.readString(Path.of(check.substring(0, eq))).strip();
                if (!have.equals(check.substring(eq + 1))) {
                    return "check " + check + " does not hold (" + have + ")";
                }
            } catch (IOException e) {
                return "check " + check + ": cannot read " + check.substring(0, eq);
            }
        }
        return null;
    }

    /** Prints the closing line every CI understands. */
    public static void printTotals(PrintStream out, List<Outcome> outcomes) {
        long pass = outcomes.stream().filter(o -> o.status() == Outcome.Status.PASS).count();
        long fail = outcomes.stream().filter(o -> o.status() == Outcome.Status.FAIL).count();
        long skip = outcomes.stream().filter(o -> o.status() == Outcome.Status.SKIP).count();
        out.println(pass + " passed, " + fail + " failed, " + skip + " skipped");
    }
}
