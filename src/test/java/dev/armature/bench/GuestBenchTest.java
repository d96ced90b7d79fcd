package dev.armature.bench;

import static dev.armature.bench.BenchArgs.parsed;
import static dev.armature.bench.BenchArgs.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** GuestBench's options: defaults, each option, bad ones refused. */
class GuestBenchTest {
    /** reps, kernels, insns, no-qemu, qemu-scale, startup-reps. */
    private static List<Object> values(GuestBench b) {
        GuestRunOptions o = b.options;
        return List.of(o.reps, o.kernels(), o.millions, o.noQemu, o.qemuScale, b.startupReps);
    }

    @Test
    void defaultsRunEveryKernelWithQemu() {
        assertEquals(List.of(3, List.of("crc", "sieve", "matrix", "simd"), 200.0, false, 10, 3),
                values(parsed(new GuestBench())));
    }

    @Test
    void optionsAreParsed() {
        assertEquals(List.of(1, List.of("simd", "crc"), 20.5, true, 4, 0), values(parsed(new GuestBench(),
                "--reps", "1", "--kernels", "simd,crc", "--insns", "20.5", "--no-qemu", "--qemu-scale", "4",
                "--startup-reps", "0")));
        assertEquals(List.of(), parsed(new GuestBench(), "--kernels", "none").options.kernels());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "--reps three        | Invalid value for option '--reps': 'three' is not an int",
        "--insns lots        | Invalid value for option '--insns': 'lots' is not a double",
        "--qemu-scale        | Missing required parameter for option '--qemu-scale' (K)",
        "--startup-reps -1   | --startup-reps must be at least 0, not -1",
        "--reps 0            | --reps must be at least 1, not 0",
        "--insns 0           | --insns must be more than 0, not 0.0",
        "--kernels crc,fft   | unknown kernel 'fft' (known: crc,sieve,matrix,simd)",
        "--shapes tight      | Unknown options: '--shapes', 'tight'"})
    void badValueIsRefusedNamingIt(String args, String message) {
        assertEquals(message, refused(GuestBench::new, args.split(" ")));
    }
}
