package dev.armature.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

/** Runs the embedding examples under both accelerators (the translator with hot=1 so that code is translated). */
class ExamplesTest {
    @ParameterizedTest
    @ValueSource(strings = {"interp", "tcg", "tcg,hot=1,background=off"})
    void runFunctionReturnsTheSum(String accel) {
        assertEquals(5050, RunFunction.sum(accel, 100));
    }

    @ParameterizedTest
    @ValueSource(strings = {"interp", "tcg", "tcg,hot=1,background=off"})
    void everyStoreOfTheLoopIsTraced(String accel) {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            expected.add(String.format("0x%x=%d", TraceWrites.DATA + 8 * i, i));
        }
        assertEquals(expected, TraceWrites.trace(accel));
    }

    @ParameterizedTest
    @ValueSource(strings = {"interp", "tcg", "tcg,hot=1,background=off"})
    void unmappedLoadIsMappedOnDemand(String accel) {
        assertEquals(42, MapOnDemand.run(accel));
    }

    @ParameterizedTest
    @ValueSource(strings = {"interp", "tcg,hot=1,background=off"})
    void fourVcpusCountWithAtomics(String accel) throws Exception {
        assertEquals(4 * 2 * 2000, SharedCounter.run(accel, 2000));
    }
}
