package dev.armature.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** ShapeBench's argument parsing: options, shape names and bad values. */
class ShapeBenchTest {
    @Test
    void defaultsRunEveryShapeWithQemu() {
        ShapeBench b = new ShapeBench();
        b.parse(new String[0]);
        assertEquals(List.of("tight", "computed", "paged"), b.shapes);
        assertEquals(List.of("crc"), b.kernels);
        assertEquals(3, b.reps);
        assertTrue(b.withQemu);
        assertEquals(10, b.qemuScale);
    }

    @Test
    void optionsAreParsed() {
        ShapeBench b = new ShapeBench();
        b.parse(new String[] {"--reps", "2", "--shapes", "paged,tight", "--insns", "50", "--no-qemu",
                "--qemu-scale", "4", "--no-region", "--kernels", "none"});
        assertEquals(2, b.reps);
        assertEquals(List.of("paged", "tight"), b.shapes);
        assertEquals(50.0, b.millions);
        assertEquals(false, b.withQemu);
        assertEquals(4, b.qemuScale);
        assertTrue(b.noRegion);
        assertEquals(List.of(), b.kernels);
    }

    @Test
    void badArgumentsAreNamed() {
        assertMessage("unknown shape 'loop' (known: tight,computed,paged)", "--shapes", "tight,loop");
        assertMessage("unknown kernel 'fft' (known: crc,sieve,matrix,simd)", "--kernels", "fft");
        assertMessage("--reps needs a value", "--reps");
        assertMessage("--insns: not a number: lots", "--insns", "lots");
        assertMessage("--reps and --qemu-scale must be >= 1, --insns > 0", "--qemu-scale", "0");
        assertMessage("unknown option --smp", "--smp", "4");
    }

    private static void assertMessage(String message, String... args) {
        var e = assertThrows(IllegalArgumentException.class, () -> new ShapeBench().parse(args));
        assertEquals(message, e.getMessage());
    }
}
