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
 * The run loop of {@link GuestBench} and {@link ShapeBench}: per workload, its instructions per unit of size
 * measured with two Armature runs, then the workload sized to {@code --insns} and run under each engine
 * {@code --reps} times (the engines interleaved, so a change in host load hits all of them alike), the
 * instruction counts checked, the translator statistics of the first runs and each engine's medians printed; at
 * the end the ratios of the medians. The engines: Armature {@code -accel tcg} and {@code -accel interp}, with
 * {@code noRegion} also {@code -accel tcg,region-hot=0}, and QEMU unless {@code --no-qemu} or not installed. QEMU
 * runs {@code --qemu-scale} times the size, its instruction count extrapolated from Armature's per-unit count.
 */
final class EngineComparison {
    /** The translator statistics lines that say what bounds a workload. */
    private static final Pattern STATS = Pattern.compile(
            "(?m)^(regions|region members|chained exits|exits to dispatcher|jump cache|global lookups) +(.*)$");
    private static final Pattern BENCH = Pattern.compile(
            "BENCH: kernel=\\S+ iters=(\\d+) ticks=(\\d+) freq=(\\d+)");
    /** The ratios printed, each left out when one of its engines did not run. */
    private static final List<Ratio> RATIOS = List.of(new Ratio("tcg/interp", "tcg", "interp"),
            new Ratio("tcg/qemu", "tcg", "qemu"), new Ratio("interp/qemu", "interp", "qemu"),
            new Ratio("tcg/noregion", "tcg", "tcg-noregion"));

    private final GuestRunOptions options;
    /** Armature's engines: name to {@code -accel} value. */
    private final Map<String, String> engines = new LinkedHashMap<>();
    private final boolean withQemu;

    /** The figures of engine over those of engine over, printed as name. */
    private record Ratio(String name, String engine, String over) {
    }

    /**
     * One guest workload: its image's runs, its arguments but the size, the argument giving the size, the size
     * the calibration runs, and whether the guest times its own loop (bench.flat's BENCH line).
     */
    record Workload(String name, GuestRuns runs, String args, String sizeKey, int calibration, boolean timed) {
        /** A translator stress shape of tcg-test.flat, sized in rounds. */
        static Workload shape(String shape) {
            return new Workload(shape, new GuestRuns("guest/images/tcg-test.flat"), shape, "rounds", 20, false);
        }

        /** A compute kernel of bench.flat, sized in iterations. */
        static Workload kernel(String kernel) {
            return new Workload(kernel, new GuestRuns("guest/images/bench.flat"), "kernel=" + kernel, "iters", 200,
                    true);
        }

        String append(long size) {
            return args + " " + sizeKey + "=" + size;
        }
    }

    /** Checks the programs and says when QEMU's columns are skipped. */
    EngineComparison(GuestRunOptions options, boolean noRegion) {
        this.options = options;
        engines.put("tcg", "tcg");
        engines.put("interp", "interp");
        if (noRegion) {
            engines.put("tcg-noregion", "tcg,region-hot=0");
        }
        withQemu = !options.noQemu && GuestRuns.qemuAvailable();
    }

    boolean withQemu() {
        return withQemu;
    }

    /** Runs and prints the comparison of the workloads, from the host's load to the ratios. */
    void run(List<Workload> workloads) throws IOException, InterruptedException {
        for (Workload w : workloads) {
            w.runs.checkTools();
        }
        System.out.printf(Locale.ROOT, "host: %d CPUs, load average %.2f at start%n",
                Runtime.getRuntime().availableProcessors(), GuestRuns.loadAverage());
        Map<String, Map<String, Figures>> medians = new LinkedHashMap<>();
        for (Workload w : workloads) {
            medians.put(w.name, measure(w));
        }
        System.out.printf(Locale.ROOT, "%nratios of medians (cpu MIPS / proc MIPS):%n");
        for (var e : medians.entrySet()) {
            Map<String, Figures> m = e.getValue();
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-9s", e.getKey()));
            for (Ratio r : RATIOS) {
                if (m.containsKey(r.engine) && m.containsKey(r.over)) {
                    line.append(GuestRuns.ratio(r.name, m.get(r.engine), m.get(r.over)));
                }
            }
            System.out.println(line);
        }
    }

    /** One workload under every engine, {@code --reps} times; prints and returns each engine's medians. */
    private Map<String, Figures> measure(Workload w) throws IOException, InterruptedException {
        long perUnit = instructionsPerUnit(w);
        long size = Math.max(1, (long) (options.millions * 1e6 / perUnit));
        String append = w.append(size);
        System.out.printf(Locale.ROOT, "%n%s: %d instructions per unit of %s, '%s'%n", w.name, perUnit, w.sizeKey,
                append);
        Map<String, List<Run>> byEngine = new LinkedHashMap<>();
        for (int r = 0; r < options.reps; r++) {
            for (var e : engines.entrySet()) {
                add(byEngine, e.getKey(), withGuestMips(w, w.runs.armature(e.getValue(), append), perUnit));
            }
            if (withQemu) {
                long insns = byEngine.get("tcg").getLast().insns() + (options.qemuScale - 1) * size * perUnit;
                Run qemu = w.runs.qemu(w.append(options.qemuScale * size), insns);
                add(byEngine, "qemu", withGuestMips(w, qemu, perUnit));
            }
        }
        checkDeterministic(append, byEngine);
        for (String engine : engines.keySet()) {
            printStats(engine, byEngine.get(engine).getFirst());
        }
        Map<String, Figures> m = new LinkedHashMap<>();
        byEngine.forEach((engine, list) -> m.put(engine, GuestRuns.summarise(engine, list)));
        return m;
    }

    private static void add(Map<String, List<Run>> byEngine, String engine, Run run) {
        byEngine.computeIfAbsent(engine, k -> new ArrayList<>()).add(run);
    }

    /** (instructions at size C - instructions at size 0) / C, counted by Armature. */
    private static long instructionsPerUnit(Workload w) throws IOException, InterruptedException {
        long zero = w.runs.armature("tcg", w.append(0)).insns();
        long some = w.runs.armature("tcg", w.append(w.calibration)).insns();
        return Math.max(1, Math.round((some - zero) / (double) w.calibration));
    }

    /** Adds the kernel loop's MIPS by the guest's own clock (its BENCH line: iterations and CNTVCT_EL0 ticks). */
    private static Run withGuestMips(Workload w, Run run, long perUnit) {
        if (!w.timed) {
            return run;
        }
        Matcher b = GuestRuns.find(BENCH, run.output(), "guest BENCH line");
        double kernelSeconds = Long.parseLong(b.group(2)) / (double) Long.parseLong(b.group(3));
        return run.withGuestMips(Long.parseLong(b.group(1)) * perUnit / kernelSeconds / 1e6);
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

    /** The translator statistics of a run (none for the interpreter). */
    private static void printStats(String engine, Run run) {
        Matcher m = STATS.matcher(run.output());
        while (m.find()) {
            System.out.printf(Locale.ROOT, "  %s %-20s %s%n", engine, m.group(1), m.group(2).strip());
        }
    }
}
