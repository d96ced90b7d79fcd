package dev.armature.bench;

import static dev.armature.bench.BenchArgs.parsed;
import static dev.armature.bench.BenchArgs.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** ShapeBench's options: defaults, each option, shape and kernel names, bad ones refused. */
class ShapeBenchTest {
    @Test
    void defaultsRunEveryShapeAndCrcWithQemu() {
        ShapeBench b = parsed(new ShapeBench());
        assertEquals(List.of("tight", "computed", "paged"), b.shapes);
        assertEquals(List.of("crc"), b.options.kernels());
        assertEquals(3, b.options.reps);
        assertEquals(200.0, b.options.millions);
        assertFalse(b.options.noQemu);
        assertEquals(10, b.options.qemuScale);
        assertFalse(b.noRegion);
    }

    @Test
    void optionsAreParsed() {
        ShapeBench b = parsed(new ShapeBench(), "--reps", "2", "--shapes", "paged,tight", "--insns", "50",
                "--no-qemu", "--qemu-scale", "4", "--no-region", "--kernels", "none");
        assertEquals(2, b.options.reps);
        assertEquals(List.of("paged", "tight"), b.shapes);
        assertEquals(50.0, b.options.millions);
        assertTrue(b.options.noQemu);
        assertEquals(4, b.options.qemuScale);
        assertTrue(b.noRegion);
        assertEquals(List.of(), b.options.kernels());
        assertEquals(List.of("sieve", "matrix"),
                parsed(new ShapeBench(), "--kernels", "sieve,matrix").options.kernels());
    }

    @Test
    void badValuesAreRefusedNamingTheOption() {
        assertEquals("unknown shape 'loop' (known: tight,computed,paged)",
                refused(ShapeBench::new, "--shapes", "tight,loop"));
        assertEquals("unknown kernel 'fft' (known: crc,sieve,matrix,simd)",
                refused(ShapeBench::new, "--kernels", "fft"));
        assertEquals("Missing required parameter for option '--reps' (N)", refused(ShapeBench::new, "--reps"));
        assertEquals("Invalid value for option '--insns': 'lots' is not a double",
                refused(ShapeBench::new, "--insns", "lots"));
        assertEquals("--qemu-scale must be at least 1, not 0", refused(ShapeBench::new, "--qemu-scale", "0"));
        assertEquals("Unknown options: '--smp', '4'", refused(ShapeBench::new, "--smp", "4"));
    }
}
