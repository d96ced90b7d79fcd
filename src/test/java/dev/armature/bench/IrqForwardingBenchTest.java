package dev.armature.bench;

import static dev.armature.bench.BenchArgs.parsed;
import static dev.armature.bench.BenchArgs.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** IrqForwardingBench's parameters: defaults, values, bad ones refused. */
class IrqForwardingBenchTest {
    private static List<Integer> values(IrqForwardingBench b) {
        return List.of(b.interrupts, b.rounds);
    }

    @Test
    void parametersAreParsed() {
        assertEquals(List.of(200_000, 5), values(parsed(new IrqForwardingBench())));
        assertEquals(List.of(7, 5), values(parsed(new IrqForwardingBench(), "7")));
        assertEquals(List.of(1000, 2), values(parsed(new IrqForwardingBench(), "1000", "2")));
    }

    @Test
    void badValuesAreRefused() {
        assertEquals("Invalid value for positional parameter at index 0 (N): 'many' is not an int",
                refused(IrqForwardingBench::new, "many"));
        assertEquals("ROUNDS must be at least 1, not 0", refused(IrqForwardingBench::new, "10", "0"));
        assertEquals("Unmatched argument at index 2: '3'", refused(IrqForwardingBench::new, "1", "2", "3"));
    }
}
