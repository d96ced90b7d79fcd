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
 * Translator stress-shape benchmark (not a test): runs the tcg-test guest ({@code guest/images/tcg-test.flat})
 * with one vCPU on each shape, {@code tight} (block chaining), {@code computed} (indirect jumps) and {@code paged}
 * (one block per page), under Armature {@code -accel tcg}, Armature {@code -accel interp} and, when installed,
 * {@code qemu-system-aarch64 -accel tcg}, on the same image, and prints cpu and proc MIPS (see {@link GuestBench}
 * for the columns) and the ratios tcg/interp and tcg/QEMU per shape; then, in the same run and the same way, the
 * compute kernels of {@code guest/images/bench.flat} named by {@code --kernels} (default {@code crc}).
 *
 * <p>With one vCPU and no {@code smc}/{@code irq} the guest's instruction count is a function of its arguments:
 * the harness checks that every Armature run of the same arguments (tcg and interp alike) counts the same, and
 * fails otherwise. Instructions per round (kernel: per iteration) are measured at start with two Armature runs
 * ({@code rounds=0} and {@code rounds=C}); QEMU runs {@code --qemu-scale} times the rounds, its count
 * extrapolated with that figure.
 * {@code --no-region} adds an engine {@code tcg-noregion} ({@code -accel tcg,region-hot=0}: no region
 * compilation). Each shape's translator statistics (chaining, jump cache) are printed from the first tcg run.
 *
 * <p>Usage: {@code ShapeBench [--reps N] [--shapes tight,computed,paged] [--kernels crc|none] [--insns MILLIONS]
 * [--no-qemu]
 * [--qemu-scale K] [--no-region]}, from the repository root ({@code bench/run shapes} does that).
 */
public final class ShapeBench {
    static final List<String> SHAPES = List.of("tight", "computed", "paged");
    static final List<String> KERNELS = List.of("crc", "sieve", "matrix", "simd");
    /** The translator statistics lines that say what bounds a shape. */
    private static final Pattern STATS = Pattern.compile(
            "(?m)^(regions|chained exits|exits to dispatcher|jump cache|global lookups) +(.*)$");

    private final GuestRuns shapeRuns = new GuestRuns("guest/images/tcg-test.flat");
    private final GuestRuns kernelRuns = new GuestRuns("guest/images/bench.flat");
    int reps = 3;
    List<String> shapes = SHAPES;
    List<String> kernels = List.of("crc");
    double millions = 200;
    boolean withQemu = true;
    int qemuScale = 10;
    boolean noRegion;

    /** One guest workload: its image, its arguments but the size, and the argument scaling it. */
    private record Workload(String name, GuestRuns runs, String args, String sizeKey, int calibration) {
        String append(long size) {
            return args + " " + sizeKey + "=" + size;
        }
    }

    ShapeBench() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        ShapeBench b = new ShapeBench();
        try {
            b.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("ShapeBench: " + e.getMessage());
            System.err.println("usage: bench/run shapes [--reps N] [--shapes tight,computed,paged]"
                    + " [--kernels crc,sieve,matrix,simd|none] [--insns MILLIONS] [--no-qemu] [--qemu-scale K]"
                    + " [--no-region]");
            System.exit(2);
        }
        try {
            b.run();
        } catch (IOException | IllegalStateException e) {
            System.err.println("ShapeBench: " + e.getMessage());
            System.exit(1);
        }
    }

    void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--no-qemu" -> withQemu = false;
                case "--no-region" -> noRegion = true;
                case "--reps", "--shapes", "--kernels", "--insns", "--qemu-scale" -> {
                    if (i + 1 == args.length) {
                        throw new IllegalArgumentException(a + " needs a value");
                    }
                    String v = args[++i];
                    try {
                        switch (a) {
                            case "--reps" -> reps = Integer.parseInt(v);
                            case "--qemu-scale" -> qemuScale = Integer.parseInt(v);
                            case "--insns" -> millions = Double.parseDouble(v);
                            case "--kernels" ->
                                    kernels = v.equals("none") ? List.of() : names(v, KERNELS, "kernel");
                            default -> shapes = names(v, SHAPES, "shape");
                        }
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(a + ": not a number: " + v);
                    }
                }
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (reps < 1 || qemuScale < 1 || !(millions > 0)) {
            throw new IllegalArgumentException("--reps and --qemu-scale must be >= 1, --insns > 0");
        }
    }

    private static List<String> names(String v, List<String> known, String what) {
        List<String> l = List.of(v.split(","));
        for (String s : l) {
            if (!known.contains(s)) {
                throw new IllegalArgumentException("unknown " + what + " '" + s + "' (known: "
                        + String.join(",", known) + ")");
            }
        }
        return l;
    }

    private void run() throws IOException, InterruptedException {
        List<Workload> workloads = new ArrayList<>();
        shapes.forEach(s -> workloads.add(new Workload(s, shapeRuns, s, "rounds", 20)));
        kernels.forEach(k -> workloads.add(new Workload(k, kernelRuns, "kernel=" + k, "iters", 200)));
        shapeRuns.checkTools();
        kernelRuns.checkTools();
        withQemu = withQemu && shapeRuns.qemuAvailable();
        System.out.printf(Locale.ROOT, "host: %d CPUs, load average %.2f at start%n",
                Runtime.getRuntime().availableProcessors(), GuestRuns.loadAverage());
        Map<String, Map<String, Figures>> medians = new LinkedHashMap<>();
        for (Workload w : workloads) {
            GuestRuns runs = w.runs;
            long perRound = instructionsPerRound(w);
            long rounds = Math.max(1, (long) (millions * 1e6 / perRound));
            String append = w.append(rounds);
            System.out.printf(Locale.ROOT, "%n%s: %d instructions per unit of %s, '%s'%n", w.name, perRound,
                    w.sizeKey, append);
            Map<String, List<Run>> byEngine = new LinkedHashMap<>();
            for (int r = 0; r < reps; r++) {
                add(byEngine, "tcg", runs.armature("tcg", append));
                add(byEngine, "interp", runs.armature("interp", append));
                if (noRegion) {
                    add(byEngine, "tcg-noregion", runs.armature("tcg,region-hot=0", append));
                }
                if (withQemu) {
                    long insns = byEngine.get("tcg").getFirst().insns() + (qemuScale - 1) * rounds * perRound;
                    add(byEngine, "qemu", runs.qemu(w.append(qemuScale * rounds), insns));
                }
            }
            checkDeterministic(append, byEngine);
            printStats("tcg", byEngine.get("tcg").getFirst());
            if (noRegion) {
                printStats("tcg-noregion", byEngine.get("tcg-noregion").getFirst());
            }
            Map<String, Figures> m = new LinkedHashMap<>();
            byEngine.forEach((engine, list) -> m.put(engine, GuestRuns.summarise(engine, list)));
            medians.put(w.name, m);
        }
        System.out.printf(Locale.ROOT, "%nratios of medians (cpu MIPS / proc MIPS):%n");
        for (var e : medians.entrySet()) {
            Map<String, Figures> m = e.getValue();
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-9s", e.getKey()));
            line.append(GuestRuns.ratio("tcg/interp", m.get("tcg"), m.get("interp")));
            if (m.containsKey("qemu")) {
                line.append(GuestRuns.ratio("tcg/qemu", m.get("tcg"), m.get("qemu")));
            }
            if (m.containsKey("tcg-noregion")) {
                line.append(GuestRuns.ratio("tcg/noregion", m.get("tcg"), m.get("tcg-noregion")));
            }
            System.out.println(line);
        }
        System.out.printf(Locale.ROOT, "%nload average %.2f at end%n", GuestRuns.loadAverage());
    }

    private static void add(Map<String, List<Run>> byEngine, String engine, Run run) {
        byEngine.computeIfAbsent(engine, k -> new ArrayList<>()).add(run);
    }

    /** (instructions at size C - instructions at size 0) / C, counted by Armature. */
    private static long instructionsPerRound(Workload w) throws IOException, InterruptedException {
        long zero = w.runs.armature("tcg", w.append(0)).insns();
        long some = w.runs.armature("tcg", w.append(w.calibration)).insns();
        return Math.max(1, Math.round((some - zero) / (double) w.calibration));
    }

    /**
     * Every Armature run of the same arguments must count the same instructions, or QEMU's count is a guess. The
     * shapes count exactly alike; bench.flat's kernels differ by a few tens of instructions (the console and timer
     * polling around the timed loop), so a spread of up to 1 ppm is accepted and printed.
     */
    private static void checkDeterministic(String append, Map<String, List<Run>> byEngine) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (var e : byEngine.entrySet()) {
            if (!e.getKey().equals("qemu")) {
                for (Run r : e.getValue()) {
                    min = Math.min(min, r.insns());
                    max = Math.max(max, r.insns());
                }
            }
        }
        if (max - min > max / 1_000_000) {
            throw new IllegalStateException("'" + append + "': Armature runs counted " + min + " to " + max
                    + " instructions: the count is not deterministic, so QEMU's would be a guess");
        }
        System.out.printf(Locale.ROOT, min == max ? "  (all Armature runs counted %d instructions)%n"
                : "  (Armature runs counted %d to %d instructions)%n", min, max);
    }

    private static void printStats(String engine, Run run) {
        Matcher m = STATS.matcher(run.output());
        while (m.find()) {
            System.out.printf(Locale.ROOT, "  %s %-20s %s%n", engine, m.group(1), m.group(2).strip());
        }
    }
}
