package dev.armature.bench;

import static dev.armature.bench.BenchArgs.parsed;
import static dev.armature.bench.BenchArgs.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** MigrationBench's options: defaults, each option, bad ones refused. */
class MigrationBenchTest {
    @Test
    void defaultsMigrate256MibWith16Hot() {
        MigrationBench b = parsed(new MigrationBench());
        assertEquals(512, b.mem);
        assertEquals(256, b.mib);
        assertEquals(16, b.hot);
        assertEquals(3, b.reps);
        assertEquals(300, b.downtimeLimit);
        assertEquals(1, b.smp);
    }

    @Test
    void optionsAreParsed() {
        MigrationBench b = parsed(new MigrationBench(), "--mem", "1024", "--mib", "512", "--hot", "0", "--reps", "1",
                "--downtime-limit", "50", "--smp", "2");
        assertEquals(1024, b.mem);
        assertEquals(512, b.mib);
        assertEquals(0, b.hot);
        assertEquals(1, b.reps);
        assertEquals(50, b.downtimeLimit);
        assertEquals(2, b.smp);
    }

    @Test
    void badValuesAreRefusedNamingTheOption() {
        assertEquals("Invalid value for option '--mem': '512M' is not an int",
                refused(MigrationBench::new, "--mem", "512M"));
        assertEquals("Invalid value for option '--downtime-limit': 'soon' is not a long",
                refused(MigrationBench::new, "--downtime-limit", "soon"));
        assertEquals("--hot must be from 0 to --mib (256), not 300", refused(MigrationBench::new, "--hot", "300"));
        assertEquals("--reps must be at least 1, not 0", refused(MigrationBench::new, "--reps", "0"));
    }
}
