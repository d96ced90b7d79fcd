package dev.armature.bench;

import dev.armature.bench.EngineComparison.Workload;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Translator stress-shape benchmark (not a test): runs the tcg-test guest ({@code guest/images/tcg-test.flat})
 * with one vCPU on each shape, {@code tight} (block chaining), {@code computed} (indirect jumps) and {@code paged}
 * (one block per page), under Armature {@code -accel tcg}, Armature {@code -accel interp} and, when installed,
 * {@code qemu-system-aarch64 -accel tcg}, on the same image, and prints cpu and proc MIPS (see {@link GuestBench}
 * for the columns) and the ratios of the engines per shape; then, in the same run and the same way, the
 * compute kernels of {@code guest/images/bench.flat} named by {@code --kernels} (default {@code crc}).
 *
 * <p>With one vCPU and no {@code smc}/{@code irq} the guest's instruction count is a function of its arguments:
 * the harness checks that every Armature run of the same arguments (tcg and interp alike) counts the same, and
 * fails otherwise. Instructions per round (kernel: per iteration) are measured at start with two Armature runs
 * ({@code rounds=0} and {@code rounds=C}); QEMU runs {@code --qemu-scale} times the rounds, its count
 * extrapolated with that figure.
 * {@code --no-region} adds an engine {@code tcg-noregion} ({@code -accel tcg,region-hot=0}: no region
 * compilation). Each workload's translator statistics (chaining, jump cache) are printed from the first tcg run.
 *
 * <p>Usage: {@code bench/run shapes [--reps N] [--shapes tight,computed,paged]
 * [--kernels crc,sieve,matrix,simd|none] [--insns MILLIONS] [--no-qemu] [--qemu-scale K] [--no-region]}, from the
 * repository root. The run loop is {@link EngineComparison}'s, shared with {@link GuestBench}.
 */
@Command(name = "bench/run shapes", description = {
        "Guest instructions per second of the translator stress shapes (tcg-test.flat, -smp 1) and bench.flat's "
                + "kernels under Armature -accel tcg, -accel interp and qemu-system-aarch64, and their ratios.",
        "Run from the repository root."})
public final class ShapeBench extends BenchCommand {
    static final List<String> SHAPES = List.of("tight", "computed", "paged");

    /**
     * By default every engine runs the same 2 G guest instructions (about a second of QEMU's time): issue #7's
     * ratios compare rates on the same work, and at this size neither QEMU's start-up nor the JVM's warm-up of
     * the hot loops (tens of milliseconds of C1 and C2 compilations, docs/performance.md) dominates a run.
     * {@code --insns 200 --qemu-scale 10} gives the former short runs, where Armature's warm-up weighs.
     */
    @Mixin
    final GuestRunOptions options = new GuestRunOptions(List.of("crc"), 2000, 1);

    @Option(names = "--shapes", split = ",", paramLabel = "SHAPE",
            description = "shapes of tcg-test.flat: tight, computed, paged (default ${DEFAULT-VALUE})")
    List<String> shapes = SHAPES;

    @Option(names = "--no-region", description = "also run -accel tcg,region-hot=0 (no region compilation)")
    boolean noRegion;

    public static void main(String[] args) {
        main(new ShapeBench(), args);
    }

    @Override
    void check() {
        options.check(this);
        requireKnown("shape", shapes, SHAPES);
    }

    @Override
    int run() throws IOException, InterruptedException {
        List<Workload> workloads = new ArrayList<>();
        shapes.forEach(s -> workloads.add(Workload.shape(s)));
        options.kernels().forEach(k -> workloads.add(Workload.kernel(k)));
        new EngineComparison(options, noRegion).run(workloads);
        System.out.printf(Locale.ROOT, "%nload average %.2f at end%n", GuestRuns.loadAverage());
        return 0;
    }
}
