package dev.armature.bench;

import static dev.armature.bench.BenchArgs.parsed;
import static dev.armature.bench.BenchArgs.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** ShapeBench's options: defaults, each option, shape and kernel names, bad ones refused. */
class ShapeBenchTest {
    /** shapes, kernels, reps, insns, no-qemu, qemu-scale, no-region. */
    private static List<Object> values(ShapeBench b) {
        GuestRunOptions o = b.options;
        return List.of(b.shapes, o.kernels(), o.reps, o.millions, o.noQemu, o.qemuScale, b.noRegion);
    }

    @Test
    void defaultsRunEveryShapeAndCrcWithQemuOnTheSameTwoBillionInstructions() {
        assertEquals(List.of(List.of("tight", "computed", "paged"), List.of("crc"), 3, 2000.0, false, 1, false),
                values(parsed(new ShapeBench())));
    }

    @Test
    void optionsAreParsed() {
        assertEquals(List.of(List.of("paged", "tight"), List.of(), 2, 50.0, true, 4, true), values(parsed(
                new ShapeBench(), "--reps", "2", "--shapes", "paged,tight", "--insns", "50", "--no-qemu",
                "--qemu-scale", "4", "--no-region", "--kernels", "none")));
        assertEquals(List.of("sieve", "matrix"),
                parsed(new ShapeBench(), "--kernels", "sieve,matrix").options.kernels());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "--shapes tight,loop | unknown shape 'loop' (known: tight,computed,paged)",
        "--kernels fft       | unknown kernel 'fft' (known: crc,sieve,matrix,simd)",
        "--reps              | Missing required parameter for option '--reps' (N)",
        "--insns lots        | Invalid value for option '--insns': 'lots' is not a double",
        "--qemu-scale 0      | --qemu-scale must be at least 1, not 0",
        "--smp 4             | Unknown options: '--smp', '4'"})
    void badValueIsRefusedNamingIt(String args, String message) {
        assertEquals(message, refused(ShapeBench::new, args.split(" ")));
    }
}
