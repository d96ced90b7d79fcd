package dev.armature.bench;

import picocli.CommandLine.Parameters;

/**
 * The in-process micro benchmarks' parameter (a picocli mixin of {@link TcgVsInterp} and {@link HookCost}): how
 * long each measurement warms up and then measures.
 */
final class SecondsParameter {
    @Parameters(index = "0", arity = "0..1", paramLabel = "SECONDS",
            description = "seconds of warm-up, then as many measured, per measurement (default ${DEFAULT-VALUE})")
    double seconds = 3;

    void check(BenchCommand command) {
        command.require(seconds > 0, "SECONDS must be more than 0, not " + seconds);
    }
}
