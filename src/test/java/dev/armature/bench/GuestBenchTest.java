package dev.armature.bench;

import static dev.armature.bench.BenchArgs.parsed;
import static dev.armature.bench.BenchArgs.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** GuestBench's options: defaults, each option, bad ones refused. */
class GuestBenchTest {
    @Test
    void defaultsRunEveryKernelWithQemu() {
        GuestBench b = parsed(new GuestBench());
        assertEquals(3, b.options.reps);
        assertEquals(List.of("crc", "sieve", "matrix", "simd"), b.options.kernels());
        assertEquals(200.0, b.options.millions);
        assertFalse(b.options.noQemu);
        assertEquals(10, b.options.qemuScale);
        assertEquals(3, b.startupReps);
    }

    @Test
    void optionsAreParsed() {
        GuestBench b = parsed(new GuestBench(), "--reps", "1", "--kernels", "simd,crc", "--insns", "20.5",
                "--no-qemu", "--qemu-scale", "4", "--startup-reps", "0");
        assertEquals(1, b.options.reps);
        assertEquals(List.of("simd", "crc"), b.options.kernels());
        assertEquals(20.5, b.options.millions);
        assertTrue(b.options.noQemu);
        assertEquals(4, b.options.qemuScale);
        assertEquals(0, b.startupReps);
        assertEquals(List.of(), parsed(new GuestBench(), "--kernels", "none").options.kernels());
    }

    @Test
    void badValuesAreRefusedNamingTheOption() {
        assertEquals("Invalid value for option '--reps': 'three' is not an int",
                refused(GuestBench::new, "--reps", "three"));
        assertEquals("Invalid value for option '--insns': 'lots' is not a double",
                refused(GuestBench::new, "--insns", "lots"));
        assertEquals("Missing required parameter for option '--qemu-scale' (K)",
                refused(GuestBench::new, "--qemu-scale"));
        assertEquals("--startup-reps must be at least 0, not -1", refused(GuestBench::new, "--startup-reps", "-1"));
        assertEquals("--reps must be at least 1, not 0", refused(GuestBench::new, "--reps", "0"));
        assertEquals("--insns must be more than 0, not 0.0", refused(GuestBench::new, "--insns", "0"));
        assertEquals("unknown kernel 'fft' (known: crc,sieve,matrix,simd)",
                refused(GuestBench::new, "--kernels", "crc,fft"));
        assertEquals("Unknown options: '--shapes', 'tight'", refused(GuestBench::new, "--shapes", "tight"));
    }
}
