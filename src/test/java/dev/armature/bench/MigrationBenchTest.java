package dev.armature.bench;

import static dev.armature.bench.BenchArgs.parsed;
import static dev.armature.bench.BenchArgs.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** MigrationBench's options: defaults, each option, bad ones refused. */
class MigrationBenchTest {
    /** mem, mib, hot, reps, downtime-limit, smp. */
    private static List<Object> values(MigrationBench b) {
        return List.of(b.mem, b.mib, b.hot, b.reps, b.downtimeLimit, b.smp);
    }

    @Test
    void defaultsMigrate256MibWith16Hot() {
        assertEquals(List.of(512, 256, 16, 3, 300L, 1), values(parsed(new MigrationBench())));
    }

    @Test
    void optionsAreParsed() {
        assertEquals(List.of(1024, 512, 0, 1, 50L, 2), values(parsed(new MigrationBench(), "--mem", "1024", "--mib",
                "512", "--hot", "0", "--reps", "1", "--downtime-limit", "50", "--smp", "2")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "--mem 512M             | Invalid value for option '--mem': '512M' is not an int",
        "--downtime-limit soon  | Invalid value for option '--downtime-limit': 'soon' is not a long",
        "--hot 300              | --hot must be from 0 to --mib (256), not 300",
        "--reps 0               | --reps must be at least 1, not 0"})
    void badValueIsRefusedNamingIt(String args, String message) {
        assertEquals(message, refused(MigrationBench::new, args.split(" ")));
    }
}
