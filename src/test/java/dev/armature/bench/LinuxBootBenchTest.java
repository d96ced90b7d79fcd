package dev.armature.bench;

import static dev.armature.bench.BenchArgs.parsed;
import static dev.armature.bench.BenchArgs.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** LinuxBootBench's options: defaults, each option, bad ones refused. */
class LinuxBootBenchTest {
    /** reps, smp, machine, dir, no-qemu. */
    private static List<Object> values(LinuxBootBench b) {
        return List.of(b.reps, b.smp, b.machine, b.dir, b.noQemu);
    }

    @Test
    void defaultsBootOneVcpuVirtWithQemu() {
        assertEquals(List.of(3, 1, "virt", LinuxBootBench.defaultDir(), false), values(parsed(new LinuxBootBench())));
    }

    @Test
    void optionsAreParsed() {
        assertEquals(List.of(1, 4, "virt,gic-version=3", Path.of("linux-images"), true), values(parsed(
                new LinuxBootBench(), "--reps", "1", "--smp", "4", "--machine", "virt,gic-version=3", "--dir",
                "linux-images", "--no-qemu")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "--smp two  | Invalid value for option '--smp': 'two' is not an int",
        "--reps 0   | --reps must be at least 1, not 0",
        "--smp 0    | --smp must be at least 1, not 0"})
    void badValueIsRefusedNamingIt(String args, String message) {
        assertEquals(message, refused(LinuxBootBench::new, args.split(" ")));
    }
}
