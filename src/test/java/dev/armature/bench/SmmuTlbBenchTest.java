package dev.armature.bench;

import static dev.armature.bench.BenchArgs.parsed;
import static dev.armature.bench.BenchArgs.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** SmmuTlbBench's parameters: defaults, values, bad ones refused. */
class SmmuTlbBenchTest {
    @Test
    void parametersAreParsed() {
        SmmuTlbBench b = parsed(new SmmuTlbBench());
        assertEquals(32, b.tlbEntries);
        assertEquals(64, b.burst);
        assertEquals(4, b.passes);
        b = parsed(new SmmuTlbBench(), "16", "4096", "8");
        assertEquals(16, b.tlbEntries);
        assertEquals(4096, b.burst);
        assertEquals(8, b.passes);
    }

    @Test
    void badValuesAreRefused() {
        assertEquals("Invalid value for positional parameter at index 1 (BURST-BYTES): '4K' is not an int",
                refused(SmmuTlbBench::new, "32", "4K"));
        assertEquals("BURST-BYTES must divide 64 MiB, not 100", refused(SmmuTlbBench::new, "32", "100"));
        assertEquals("TLB-ENTRIES must be at least 1, not 0", refused(SmmuTlbBench::new, "0"));
    }
}
