package dev.armature.bench;

import static dev.armature.bench.BenchArgs.parsed;
import static dev.armature.bench.BenchArgs.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** LinuxBootBench's options: defaults, each option, bad ones refused. */
class LinuxBootBenchTest {
    @Test
    void defaultsBootOneVcpuVirtWithQemu() {
        LinuxBootBench b = parsed(new LinuxBootBench());
        assertEquals(3, b.reps);
        assertEquals(1, b.smp);
        assertEquals("virt", b.machine);
        assertEquals(LinuxBootBench.defaultDir(), b.dir);
        assertFalse(b.noQemu);
    }

    @Test
    void optionsAreParsed() {
        LinuxBootBench b = parsed(new LinuxBootBench(), "--reps", "1", "--smp", "4", "--machine",
                "virt,gic-version=3", "--dir", "linux-images", "--no-qemu");
        assertEquals(1, b.reps);
        assertEquals(4, b.smp);
        assertEquals("virt,gic-version=3", b.machine);
        assertEquals(Path.of("linux-images"), b.dir);
        assertTrue(b.noQemu);
    }

    @Test
    void badValuesAreRefusedNamingTheOption() {
        assertEquals("Invalid value for option '--smp': 'two' is not an int",
                refused(LinuxBootBench::new, "--smp", "two"));
        assertEquals("--reps must be at least 1, not 0", refused(LinuxBootBench::new, "--reps", "0"));
        assertEquals("--smp must be at least 1, not 0", refused(LinuxBootBench::new, "--smp", "0"));
    }
}
