package dev.armature.bench;

import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options {@link GuestBench} and {@link ShapeBench} share (a picocli mixin): repetitions, the kernels of
 * {@code guest/images/bench.flat}, the size of a run and the QEMU comparison. Read by {@link EngineComparison}.
 */
final class GuestRunOptions {
    static final List<String> KERNELS = List.of("crc", "sieve", "matrix", "simd");

    @Option(names = "--reps", paramLabel = "N",
            description = "runs of each engine per workload; figures are their medians (default ${DEFAULT-VALUE})")
    int reps = 3;

    @Option(names = "--kernels", split = ",", paramLabel = "KERNEL",
            description = "kernels of bench.flat: crc, sieve, matrix, simd, or none (default ${DEFAULT-VALUE})")
    List<String> kernels;

    @Option(names = "--insns", paramLabel = "MILLIONS",
            description = "guest instructions per Armature run, in millions (default ${DEFAULT-VALUE})")
    double millions;

    @Option(names = "--no-qemu", description = "no qemu-system-aarch64 runs, even when it is installed")
    boolean noQemu;

    /** QEMU runs this many times the iterations: otherwise its few tens of milliseconds of start-up dominate. */
    @Option(names = "--qemu-scale", paramLabel = "K",
            description = "QEMU runs K times the iterations, so that its start-up does not dominate its CPU time"
                    + " (default ${DEFAULT-VALUE})")
    int qemuScale;

    /** Options with these defaults for {@code --kernels}, {@code --insns} and {@code --qemu-scale}. */
    GuestRunOptions(List<String> kernels, double millions, int qemuScale) {
        this.kernels = kernels;
        this.millions = millions;
        this.qemuScale = qemuScale;
    }

    /** The kernels to run: none for {@code --kernels none}. */
    List<String> kernels() {
        return kernels.equals(List.of("none")) ? List.of() : kernels;
    }

    void check(BenchCommand command) {
        command.requireAtLeast("--reps", reps, 1);
        command.requireAtLeast("--qemu-scale", qemuScale, 1);
        command.require(millions > 0, "--insns must be more than 0, not " + millions);
        command.requireKnown("kernel", kernels(), KERNELS);
    }
}
