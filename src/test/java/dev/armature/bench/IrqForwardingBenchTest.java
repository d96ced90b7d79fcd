package dev.armature.bench;

import static dev.armature.bench.BenchArgs.parsed;
import static dev.armature.bench.BenchArgs.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** IrqForwardingBench's parameters: defaults, values, bad ones refused. */
class IrqForwardingBenchTest {
    @Test
    void parametersAreParsed() {
        IrqForwardingBench b = parsed(new IrqForwardingBench());
        assertEquals(200_000, b.interrupts);
        assertEquals(5, b.rounds);
        b = parsed(new IrqForwardingBench(), "1000", "2");
        assertEquals(1000, b.interrupts);
        assertEquals(2, b.rounds);
        assertEquals(7, parsed(new IrqForwardingBench(), "7").interrupts);
    }

    @Test
    void badValuesAreRefused() {
        assertEquals("Invalid value for positional parameter at index 0 (N): 'many' is not an int",
                refused(IrqForwardingBench::new, "many"));
        assertEquals("ROUNDS must be at least 1, not 0", refused(IrqForwardingBench::new, "10", "0"));
        assertEquals("Unmatched argument at index 2: '3'", refused(IrqForwardingBench::new, "1", "2", "3"));
    }
}
