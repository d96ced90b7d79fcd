package dev.armature.bench;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The measuring half of the guest benchmarks ({@link EngineComparison}, {@link GuestBench}): runs one bare-metal image
 * with one vCPU under Armature ({@code -d summary}) or {@code qemu-system-aarch64 -M virt -cpu cortex-a57 -accel
 * tcg}, each process under GNU time, and turns the output into instruction counts, CPU times and MIPS.
 *
 * <p>Armature's run reports its guest instruction count and its vCPU thread's CPU time ({@code -d summary});
 * QEMU counts no instructions, so its caller supplies the count Armature measured for the same arguments, and its
 * CPU time is the whole process's (its vCPU thread does nearly all the work). Programs: {@code ./armature} and
 * {@code qemu-system-aarch64}, overridden by the system properties {@code bench.armature} and {@code bench.qemu}.
 */
final class GuestRuns {
    private static final Pattern SUMMARY = Pattern.compile(
            "armature: \\d+ vCPU\\(s\\), (\\d+) instructions in [0-9.]+ s .*vCPU CPU time ([0-9.]+) s");
    private static final Pattern TIME = Pattern.compile("TIME ([0-9.]+) ([0-9.]+) ([0-9.]+)");
    private static final String TIME_PROGRAM = "/usr/bin/time";

    static final String ARMATURE = System.getProperty("bench.armature", "./armature");
    static final String QEMU = System.getProperty("bench.qemu", "qemu-system-aarch64");
    private final String image;

    /**
     * One run's measurements; guestMips is NaN unless the guest times itself; output is the run's console and
     * log.
     */
    record Run(long insns, double cpuSeconds, double procSeconds, double wallSeconds, double guestMips,
            String output) {
        double cpuMips() {
            return insns / cpuSeconds / 1e6;
        }

        double procMips() {
            return insns / procSeconds / 1e6;
        }

        Run withGuestMips(double mips) {
            return new Run(insns, cpuSeconds, procSeconds, wallSeconds, mips, output);
        }
    }

    /** Medians over the runs of one engine, each figure taken on its own. */
    record Figures(double cpuMips, double procMips, double guestMips, double wallSeconds) {
    }

    GuestRuns(String image) {
        this.image = image;
    }

    /** Fails with a clear message when the image or GNU time is missing. */
    void checkTools() throws IOException {
        if (!Files.isRegularFile(Path.of(image))) {
            throw new IOException(image + " not found: run from the repository root after 'make -C guest install'");
        }
        if (!Files.isExecutable(Path.of(TIME_PROGRAM))) {
            throw new IOException(TIME_PROGRAM + " (GNU time) not found: it measures each run's CPU time");
        }
    }

    /** Whether QEMU is installed; says so when it is not. */
    static boolean qemuAvailable() {
        if (onPath(QEMU)) {
            return true;
        }
        System.out.println("(" + QEMU + " not found: QEMU columns skipped)");
        return false;
    }

    /** One Armature run: {@code -accel ACCEL}, e.g. {@code tcg}, {@code interp} or {@code tcg,region-hot=0}. */
    Run armature(String accel, String append) throws IOException, InterruptedException {
        String out = timed(List.of(ARMATURE, "-smp", "1", "-accel", accel, "-d", "summary", "-nographic", "-kernel",
                image, "-append", append));
        Matcher s = find(SUMMARY, out, "armature -d summary line");
        return run(out, Long.parseLong(s.group(1)), Double.parseDouble(s.group(2)));
    }

    /** One QEMU run of the same image; insns is the instruction count Armature measured for these arguments. */
    Run qemu(String append, long insns) throws IOException, InterruptedException {
        String out = timed(List.of(QEMU, "-M", "virt", "-cpu", "cortex-a57", "-accel", "tcg", "-smp", "1",
                "-nographic", "-kernel", image, "-append", append));
        return run(out, insns, -1);
    }

    /** Builds a Run from a process's output; cpuSeconds &lt; 0 means: the process's CPU time. */
    private static Run run(String out, long insns, double cpuSeconds) {
        Matcher t = find(TIME, out, "/usr/bin/time line");
        double proc = Double.parseDouble(t.group(1)) + Double.parseDouble(t.group(2));
        return new Run(insns, cpuSeconds < 0 ? proc : cpuSeconds, proc, Double.parseDouble(t.group(3)), Double.NaN,
                out);
    }

    /** Runs a command under GNU time (its figures appended as "TIME user sys elapsed"); returns all output. */
    static String timed(List<String> command) throws IOException, InterruptedException {
        Path times = Files.createTempFile("guestbench", ".time");
        try {
            List<String> cmd = new ArrayList<>(List.of(TIME_PROGRAM, "-o", times.toString(), "-f",
                    "TIME %U %S %e"));
            cmd.addAll(command);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = p.waitFor();
            String time = Files.readString(times);
            if (status != 0) {
                throw new IOException("exit status " + status + " from " + String.join(" ", command) + "\n"
                        + tail(out));
            }
            return out + "\n" + time;
        } finally {
            Files.deleteIfExists(times);
        }
    }

    /** Medians of one engine's runs, printed as one line. */
    static Figures summarise(String engine, List<Run> list) {
        Figures f = new Figures(median(list, Run::cpuMips), median(list, Run::procMips),
                median(list, Run::guestMips), median(list, Run::wallSeconds));
        String guest = Double.isNaN(f.guestMips) ? ""
                : String.format(Locale.ROOT, "   guest %7.1f MIPS", f.guestMips);
        System.out.printf(Locale.ROOT, "  %-14s cpu %7.1f MIPS   proc %7.1f MIPS%s   wall %6.2f s"
                + "   (%d runs, %d instructions)%n", engine, f.cpuMips, f.procMips, guest, f.wallSeconds,
                list.size(), list.getFirst().insns);
        return f;
    }

    /** "NAME cpu-ratio / proc-ratio" of a over b. */
    static String ratio(String name, Figures a, Figures b) {
        return String.format(Locale.ROOT, "   %s %.2fx / %.2fx", name, a.cpuMips / b.cpuMips,
                a.procMips / b.procMips);
    }

    /** User + system time and wall time of a {@link #timed} run: {wall, user + sys}. */
    static double[] times(String out) {
        Matcher t = find(TIME, out, "/usr/bin/time line");
        return new double[] {Double.parseDouble(t.group(3)), Double.parseDouble(t.group(1))
                + Double.parseDouble(t.group(2))};
    }

    /** Median (upper median for an even count). */
    static double median(List<Run> list, ToDoubleFunction<Run> key) {
        double[] v = list.stream().mapToDouble(key).sorted().toArray();
        return v[v.length / 2];
    }

    static Matcher find(Pattern p, String out, String what) {
        Matcher m = p.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no " + what + " in the output:\n" + tail(out));
        }
        return m;
    }

    private static String tail(String out) {
        return out.length() > 2000 ? "..." + out.substring(out.length() - 2000) : out;
    }

    private static boolean onPath(String program) {
        if (program.contains("/")) {
            return Files.isExecutable(Path.of(program));
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
