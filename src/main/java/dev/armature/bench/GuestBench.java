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
 * <p>Usage: {@code bench/run [--reps N] [--kernels crc,sieve,matrix,simd|none] [--insns MILLIONS] [--no-qemu]
 * [--qemu-scale K] [--startup-reps N]}, from the repository root ({@code bench/run} runs this class). Programs:
 * {@code ./armature} and {@code qemu-system-aarch64} (override with system properties {@code bench.armature},
 * {@code bench.qemu}). The run loop is {@link EngineComparison}'s, shared with {@link ShapeBench}.
 */
@Command(name = "bench/run", description = {
        "Guest instructions per second of bench.flat's kernels under Armature -accel tcg, -accel interp and "
                + "qemu-system-aarch64, and their ratios; then the demo guest's start-up time.",
        "Run from the repository root."})
public final class GuestBench extends BenchCommand {
    private static final String DEMO = "guest/images/demo.flat";

    @Mixin
    final GuestRunOptions options = new GuestRunOptions(GuestRunOptions.KERNELS, 200, 10);

    @Option(names = "--startup-reps", paramLabel = "N",
            description = "start-up runs of the demo guest, 0 for none (default ${DEFAULT-VALUE})")
    int startupReps = 3;

    public static void main(String[] args) {
        main(new GuestBench(), args);
    }

    @Override
    void check() {
        options.check(this);
        requireAtLeast("--startup-reps", startupReps, 0);
    }

    @Override
    int run() throws IOException, InterruptedException {
        EngineComparison comparison = new EngineComparison(options, false);
        comparison.run(options.kernels().stream().map(Workload::kernel).toList());
        if (startupReps > 0) {
            startup(comparison.withQemu());
        }
        System.out.printf(Locale.ROOT, "%nload average %.2f at end%n", GuestRuns.loadAverage());
        return 0;
    }

    /** Demo start-to-exit: {@code ./armature} with no arguments vs QEMU booting the same demo image. */
    private void startup(boolean withQemu) throws IOException, InterruptedException {
        System.out.printf(Locale.ROOT, "%nstartup (demo guest, boot to power-off), median of %d:%n", startupReps);
        List<double[]> arm = new ArrayList<>();
        List<double[]> q = new ArrayList<>();
        for (int r = 0; r < startupReps; r++) {
            arm.add(GuestRuns.times(GuestRuns.timed(List.of(GuestRuns.ARMATURE))));
            if (withQemu) {
                q.add(GuestRuns.times(GuestRuns.timed(List.of(GuestRuns.QEMU, "-M", "virt", "-cpu", "cortex-a57",
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
