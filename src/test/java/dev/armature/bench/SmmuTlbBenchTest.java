package dev.armature.bench;

import static dev.armature.bench.BenchArgs.parsed;
import static dev.armature.bench.BenchArgs.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** SmmuTlbBench's parameters: defaults, values, bad ones refused. */
class SmmuTlbBenchTest {
    private static List<Integer> values(SmmuTlbBench b) {
        return List.of(b.tlbEntries, b.burst, b.passes);
    }

    @Test
    void parametersAreParsed() {
        assertEquals(List.of(32, 64, 4), values(parsed(new SmmuTlbBench())));
        assertEquals(List.of(16, 4096, 8), values(parsed(new SmmuTlbBench(), "16", "4096", "8")));
    }

    @Test
    void badValuesAreRefused() {
        assertEquals("Invalid value for positional parameter at index 1 (BURST-BYTES): '4K' is not an int",
                refused(SmmuTlbBench::new, "32", "4K"));
        assertEquals("BURST-BYTES must divide 64 MiB, not 100", refused(SmmuTlbBench::new, "32", "100"));
        assertEquals("TLB-ENTRIES must be at least 1, not 0", refused(SmmuTlbBench::new, "0"));
    }
}
