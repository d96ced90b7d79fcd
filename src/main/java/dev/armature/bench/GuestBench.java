package dev.armature.bench;

import dev.armature.bench.GuestRuns.Figures;
import dev.armature.bench.GuestRuns.Run;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * {@code bench.qemu}). The measuring itself is {@link GuestRuns}'s, shared with {@link ShapeBench}.
 */
public final class GuestBench {
    private static final String IMAGE = "guest/images/bench.flat";
    private static final String DEMO = "guest/images/demo.flat";
    private static final Pattern BENCH = Pattern.compile(
            "BENCH: kernel=\\S+ iters=(\\d+) ticks=(\\d+) freq=(\\d+)");
    private static final int CALIBRATION_ITERS = 200;

    private final GuestRuns runs = new GuestRuns(IMAGE);
    private int reps = 3;
    private int startupReps = 3;
    private List<String> kernels = List.of("crc", "sieve", "matrix", "simd");
    private double millions = 200;
    private boolean withQemu = true;
    /** QEMU runs this many times the iterations: otherwise its few tens of milliseconds of start-up dominate. */
    private int qemuScale = 10;

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
        runs.checkTools();
        withQemu = withQemu && runs.qemuAvailable();
        System.out.printf(Locale.ROOT, "host: %d CPUs, load average %.2f at start%n",
                Runtime.getRuntime().availableProcessors(), GuestRuns.loadAverage());
        Map<String, Map<String, Figures>> medians = new LinkedHashMap<>();
        for (String kernel : kernels) {
            long perIter = instructionsPerIteration(kernel);
            long iters = Math.max(1, (long) (millions * 1e6 / perIter));
            System.out.printf(Locale.ROOT, "%n%s: %d instructions per iteration, %d iterations%n", kernel, perIter,
                    iters);
            String append = "kernel=" + kernel + " iters=" + iters;
            Map<String, List<Run>> byEngine = new LinkedHashMap<>();
            for (int r = 0; r < reps; r++) {
                byEngine.computeIfAbsent("tcg", k -> new ArrayList<>()).add(armature("tcg", append, perIter));
                byEngine.computeIfAbsent("interp", k -> new ArrayList<>()).add(armature("interp", append, perIter));
                if (withQemu) {
                    long insns = byEngine.get("tcg").getLast().insns() + (qemuScale - 1) * iters * perIter;
                    String qemuAppend = "kernel=" + kernel + " iters=" + qemuScale * iters;
                    byEngine.computeIfAbsent("qemu", k -> new ArrayList<>())
                            .add(withGuestMips(runs.qemu(qemuAppend, insns), perIter));
                }
            }
            Map<String, Figures> m = new LinkedHashMap<>();
            byEngine.forEach((engine, list) -> m.put(engine, GuestRuns.summarise(engine, list)));
            medians.put(kernel, m);
        }
        System.out.printf(Locale.ROOT, "%nratios of medians (cpu MIPS / proc MIPS):%n");
        for (var e : medians.entrySet()) {
            Map<String, Figures> m = e.getValue();
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-7s", e.getKey()));
            line.append(GuestRuns.ratio("tcg/interp", m.get("tcg"), m.get("interp")));
            if (m.containsKey("qemu")) {
                line.append(GuestRuns.ratio("tcg/qemu", m.get("tcg"), m.get("qemu")));
                line.append(GuestRuns.ratio("interp/qemu", m.get("interp"), m.get("qemu")));
            }
            System.out.println(line);
        }
        if (startupReps > 0) {
            startup();
        }
        System.out.printf(Locale.ROOT, "%nload average %.2f at end%n", GuestRuns.loadAverage());
    }

    /** (instructions at iters=C - instructions at iters=0) / C, counted by Armature. */
    private long instructionsPerIteration(String kernel) throws IOException, InterruptedException {
        long zero = runs.armature("tcg", "kernel=" + kernel + " iters=0").insns();
        long some = runs.armature("tcg", "kernel=" + kernel + " iters=" + CALIBRATION_ITERS).insns();
        return Math.max(1, Math.round((some - zero) / (double) CALIBRATION_ITERS));
    }

    private Run armature(String accel, String append, long perIter) throws IOException, InterruptedException {
        return withGuestMips(runs.armature(accel, append), perIter);
    }

    /** Adds the kernel loop's MIPS by the guest's own clock (its BENCH line: iterations and CNTVCT_EL0 ticks). */
    private static Run withGuestMips(Run run, long perIter) {
        Matcher b = GuestRuns.find(BENCH, run.output(), "guest BENCH line");
        double kernelSeconds = Long.parseLong(b.group(2)) / (double) Long.parseLong(b.group(3));
        return run.withGuestMips(Long.parseLong(b.group(1)) * perIter / kernelSeconds / 1e6);
    }

    /** Demo start-to-exit: {@code ./armature} with no arguments vs QEMU booting the same demo image. */
    private void startup() throws IOException, InterruptedException {
        System.out.printf(Locale.ROOT, "%nstartup (demo guest, boot to power-off), median of %d:%n", startupReps);
        List<double[]> arm = new ArrayList<>();
        List<double[]> q = new ArrayList<>();
        for (int r = 0; r < startupReps; r++) {
            arm.add(GuestRuns.times(GuestRuns.timed(List.of(runs.armature))));
            if (withQemu) {
                q.add(GuestRuns.times(GuestRuns.timed(List.of(runs.qemu, "-M", "virt", "-cpu", "cortex-a57",
                        "-accel", "tcg", "-nographic", "-kernel", DEMO))));
            }
        }
        printStartup("armature", arm);
        if (withQemu) {
            printStartup("qemu", q);
        }
    }

    private static void printStartup(String name, List<double[]> list) {
        double[] wall = list.stream().mapToDouble(x -> x[0]).sorted().toArray();
        double[] cpu = list.stream().mapToDouble(x -> x[1]).sorted().toArray();
        System.out.printf(Locale.ROOT, "  %-8s wall %6.2f s   user+sys %6.2f s   (wall min %.2f, max %.2f)%n", name,
                wall[wall.length / 2], cpu[cpu.length / 2], wall[0], wall[wall.length - 1]);
    }
}
