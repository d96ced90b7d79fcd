package dev.armature.bench;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Guest benchmark harness (not a test): runs the bare-metal benchmark guest ({@code guest/images/bench.flat}) with
 * each kernel under Armature {@code -accel tcg}, Armature {@code -accel interp} and, when installed,
 * {@code qemu-system-aarch64 -M virt -cpu cortex-a57 -accel tcg}, on the same image with the same arguments, and
 * prints guest instructions per second and their ratios; then times the startup of the demo guest.
 *
 * <p>Figures, each the median of the repetitions (runs of the engines are interleaved, so a change in host load
 * hits all of them alike):
 * <ul>
 *   <li><b>cpu MIPS</b>: guest instructions of the whole run / CPU time of the executing threads. Armature: its
 *       vCPU thread's CPU time from {@code -d summary} (excludes JVM start-up, JIT compiler and GC threads).
 *       QEMU: user + system time of the process (its vCPU thread does nearly all the work).</li>
 *   <li><b>proc MIPS</b>: guest instructions / user + system time of the whole process, start-up and every thread
 *       included (for Armature: JVM start, class loading, JIT compilation, GC).</li>
 *   <li><b>guest MIPS</b>: instructions of the timed kernel loop / its duration by the guest's CNTVCT_EL0: wall
 *       time, so it drops when the host is loaded.</li>
 * </ul>
 * Guest instruction counts come from Armature's instruction counter ({@code -d summary}); QEMU runs the same
 * image, whose instruction count for given arguments is the same up to a few polling loops (console), so
 * Armature's count is used for it. The instructions per kernel iteration are measured at start with two
 * Armature runs ({@code iters=0} and {@code iters=C}). QEMU runs {@code --qemu-scale} (10) times as many
 * iterations, its count extrapolated with that figure, so that its start-up does not dominate its CPU time.
 *
 * <p>Usage: {@code GuestBench [--reps N] [--kernels crc,sieve,matrix,simd] [--insns MILLIONS] [--no-qemu]
 * [--qemu-scale K] [--startup-reps N]}, from the repository root ({@code bench/run} does that). Programs:
 * {@code ./armature} and {@code qemu-system-aarch64} (override with system properties {@code bench.armature},
 * {@code bench.qemu}).
 */
public final class GuestBench {
    private static final String IMAGE = "guest/images/bench.flat";
    private static final String DEMO = "guest/images/demo.flat";
    private static final Pattern SUMMARY = Pattern.compile(
            "armature: \\d+ vCPU\\(s\\), (\\d+) instructions in [0-9.]+ s .*vCPU CPU time ([0-9.]+) s");
    private static final Pattern BENCH = Pattern.compile(
            "BENCH: kernel=\\S+ iters=(\\d+) ticks=(\\d+) freq=(\\d+)");
    private static final Pattern TIME = Pattern.compile("TIME ([0-9.]+) ([0-9.]+) ([0-9.]+)");
    private static final int CALIBRATION_ITERS = 200;
    private static final String TIME_PROGRAM = "/usr/bin/time";

    private final String armature = System.getProperty("bench.armature", "./armature");
    private final String qemu = System.getProperty("bench.qemu", "qemu-system-aarch64");
    private int reps = 3;
    private int startupReps = 3;
    private List<String> kernels = List.of("crc", "sieve", "matrix", "simd");
    private double millions = 200;
    private boolean withQemu = true;
    /** QEMU runs this many times the iterations: otherwise its few tens of milliseconds of start-up dominate. */
    private int qemuScale = 10;

    /** One run's measurements. */
    private record Run(long insns, double cpuSeconds, double procSeconds, double wallSeconds, long kernelInsns,
            double kernelSeconds) {
        double cpuMips() {
            return insns / cpuSeconds / 1e6;
        }

        double procMips() {
            return insns / procSeconds / 1e6;
        }

        double guestMips() {
            return kernelInsns / kernelSeconds / 1e6;
        }
    }

    /** Medians over the runs of one engine, each figure taken on its own. */
    private record Figures(double cpuMips, double procMips, double guestMips, double wallSeconds) {
    }

    private GuestBench() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        GuestBench b = new GuestBench();
        try {
            b.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("GuestBench: " + e.getMessage());
            System.err.println("usage: GuestBench [--reps N] [--kernels crc,sieve,matrix,simd] [--insns MILLIONS]"
                    + " [--no-qemu] [--qemu-scale K] [--startup-reps N]");
            System.exit(2);
        }
        try {
            b.run();
        } catch (IOException | IllegalStateException e) {
            System.err.println("GuestBench: " + e.getMessage());
            System.exit(1);
        }
    }

    private void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--no-qemu" -> withQemu = false;
                case "--reps", "--kernels", "--insns", "--startup-reps", "--qemu-scale" -> {
                    if (i + 1 == args.length) {
                        throw new IllegalArgumentException(a + " needs a value");
                    }
                    String v = args[++i];
                    try {
                        switch (a) {
                            case "--reps" -> reps = Integer.parseInt(v);
                            case "--startup-reps" -> startupReps = Integer.parseInt(v);
                            case "--qemu-scale" -> qemuScale = Integer.parseInt(v);
                            case "--insns" -> millions = Double.parseDouble(v);
                            default -> kernels = List.of(v.split(","));
                        }
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(a + ": not a number: " + v);
                    }
                }
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (reps < 1 || startupReps < 0 || millions <= 0 || qemuScale < 1) {
            throw new IllegalArgumentException(
                    "--reps and --qemu-scale must be >= 1, --startup-reps >= 0, --insns > 0");
        }
    }

    private void run() throws IOException, InterruptedException {
        if (!Files.isRegularFile(Path.of(IMAGE))) {
            throw new IOException(IMAGE + " not found: run from the repository root after 'make -C guest install'");
        }
        if (!Files.isExecutable(Path.of(TIME_PROGRAM))) {
            throw new IOException(TIME_PROGRAM + " (GNU time) not found: it measures each run's CPU time");
        }
        if (withQemu && !onPath(qemu)) {
            System.out.println("(" + qemu + " not found: QEMU columns skipped)");
            withQemu = false;
        }
        System.out.printf(Locale.ROOT, "host: %d CPUs, load average %.2f at start%n",
                Runtime.getRuntime().availableProcessors(), loadAverage());
        Map<String, Map<String, Figures>> medians = new LinkedHashMap<>();
        for (String kernel : kernels) {
            long perIter = instructionsPerIteration(kernel);
            long iters = Math.max(1, (long) (millions * 1e6 / perIter));
            System.out.printf(Locale.ROOT, "%n%s: %d instructions per iteration, %d iterations%n", kernel, perIter,
                    iters);
            String append = "kernel=" + kernel + " iters=" + iters;
            Map<String, List<Run>> runs = new LinkedHashMap<>();
            for (int r = 0; r < reps; r++) {
                runs.computeIfAbsent("tcg", k -> new ArrayList<>()).add(armature("tcg", append, perIter));
                runs.computeIfAbsent("interp", k -> new ArrayList<>()).add(armature("interp", append, perIter));
                if (withQemu) {
                    long insns = runs.get("tcg").getLast().insns + (qemuScale - 1) * iters * perIter;
                    String qemuAppend = "kernel=" + kernel + " iters=" + qemuScale * iters;
                    runs.computeIfAbsent("qemu", k -> new ArrayList<>()).add(qemu(qemuAppend, insns, perIter));
                }
            }
            Map<String, Figures> m = new LinkedHashMap<>();
            runs.forEach((engine, list) -> m.put(engine, summarise(engine, list)));
            medians.put(kernel, m);
        }
        System.out.printf(Locale.ROOT, "%nratios of medians (cpu MIPS / proc MIPS):%n");
        for (var e : medians.entrySet()) {
            Map<String, Figures> m = e.getValue();
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-7s", e.getKey()));
            line.append(ratio("tcg/interp", m.get("tcg"), m.get("interp")));
            if (m.containsKey("qemu")) {
                line.append(ratio("tcg/qemu", m.get("tcg"), m.get("qemu")));
                line.append(ratio("interp/qemu", m.get("interp"), m.get("qemu")));
            }
            System.out.println(line);
        }
        if (startupReps > 0) {
            startup();
        }
        System.out.printf(Locale.ROOT, "%nload average %.2f at end%n", loadAverage());
    }

    /** (instructions at iters=C - instructions at iters=0) / C, counted by Armature. */
    private long instructionsPerIteration(String kernel) throws IOException, InterruptedException {
        long zero = armature("tcg", "kernel=" + kernel + " iters=0", 1).insns;
        long some = armature("tcg", "kernel=" + kernel + " iters=" + CALIBRATION_ITERS, 1).insns;
        return Math.max(1, Math.round((some - zero) / (double) CALIBRATION_ITERS));
    }

    private Run armature(String accel, String append, long perIter) throws IOException, InterruptedException {
        String out = timed(List.of(armature, "-accel", accel, "-d", "summary", "-nographic", "-kernel", IMAGE,
                "-append", append));
        Matcher s = find(SUMMARY, out, "armature -d summary line");
        return run(out, Long.parseLong(s.group(1)), Double.parseDouble(s.group(2)), perIter);
    }

    private Run qemu(String append, long insns, long perIter) throws IOException, InterruptedException {
        String out = timed(List.of(qemu, "-M", "virt", "-cpu", "cortex-a57", "-accel", "tcg", "-nographic",
                "-kernel", IMAGE, "-append", append));
        return run(out, insns, -1, perIter);
    }

    /** Builds a Run from a process's output; cpuSeconds &lt; 0 means: the process's CPU time. */
    private static Run run(String out, long insns, double cpuSeconds, long perIter) {
        Matcher t = find(TIME, out, "/usr/bin/time line");
        double proc = Double.parseDouble(t.group(1)) + Double.parseDouble(t.group(2));
        Matcher b = find(BENCH, out, "guest BENCH line");
        long iters = Long.parseLong(b.group(1));
        double kernelSeconds = Long.parseLong(b.group(2)) / (double) Long.parseLong(b.group(3));
        return new Run(insns, cpuSeconds < 0 ? proc : cpuSeconds, proc, Double.parseDouble(t.group(3)),
                iters * perIter, kernelSeconds);
    }

    /** Runs a command under GNU time (its figures appended as "TIME user sys elapsed"); returns all output. */
    private static String timed(List<String> command) throws IOException, InterruptedException {
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

    private static Figures summarise(String engine, List<Run> list) {
        Figures f = new Figures(median(list, Run::cpuMips), median(list, Run::procMips),
                median(list, Run::guestMips), median(list, Run::wallSeconds));
        System.out.printf(Locale.ROOT, "  %-7s cpu %7.1f MIPS   proc %7.1f MIPS   guest %7.1f MIPS   wall %6.2f s"
                + "   (%d runs, %d instructions)%n", engine, f.cpuMips, f.procMips, f.guestMips, f.wallSeconds,
                list.size(), list.getFirst().insns);
        return f;
    }

    private static String ratio(String name, Figures a, Figures b) {
        return String.format(Locale.ROOT, "   %s %.2fx / %.2fx", name, a.cpuMips / b.cpuMips,
                a.procMips / b.procMips);
    }

    /** Demo start-to-exit: {@code ./armature} with no arguments vs QEMU booting the same demo image. */
    private void startup() throws IOException, InterruptedException {
        System.out.printf(Locale.ROOT, "%nstartup (demo guest, boot to power-off), median of %d:%n", startupReps);
        List<double[]> arm = new ArrayList<>();
        List<double[]> q = new ArrayList<>();
        for (int r = 0; r < startupReps; r++) {
            arm.add(times(timed(List.of(armature))));
            if (withQemu) {
                q.add(times(timed(List.of(qemu, "-M", "virt", "-cpu", "cortex-a57", "-accel", "tcg",
                        "-nographic", "-kernel", DEMO))));
            }
        }
        printStartup("armature", arm);
        if (withQemu) {
            printStartup("qemu", q);
        }
    }

    private static double[] times(String out) {
        Matcher t = find(TIME, out, "/usr/bin/time line");
        return new double[] {Double.parseDouble(t.group(3)), Double.parseDouble(t.group(1))
                + Double.parseDouble(t.group(2))};
    }

    private static void printStartup(String name, List<double[]> list) {
        double[] wall = list.stream().mapToDouble(x -> x[0]).sorted().toArray();
        double[] cpu = list.stream().mapToDouble(x -> x[1]).sorted().toArray();
        System.out.printf(Locale.ROOT, "  %-8s wall %6.2f s   user+sys %6.2f s   (wall min %.2f, max %.2f)%n", name,
                wall[wall.length / 2], cpu[cpu.length / 2], wall[0], wall[wall.length - 1]);
    }

    /** Median (upper median for an even count). */
    private static double median(List<Run> list, ToDoubleFunction<Run> key) {
        double[] v = list.stream().mapToDouble(key).sorted().toArray();
        return v[v.length / 2];
    }

    private static Matcher find(Pattern p, String out, String what) {
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

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
