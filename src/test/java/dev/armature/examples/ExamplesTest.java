package dev.armature.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Assumptions;

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

    @ParameterizedTest
    @ValueSource(strings = {"interp", "tcg,hot=1,background=off"})
    void aGuestBootsOnTheBoardBuiltOnTheEmbeddersVm(String accel) throws Exception {
        Path image = Path.of("guest/images/selftest.flat");
        Assumptions.assumeTrue(Files.isRegularFile(image), "guest/images/selftest.flat is not in this checkout");
        BootOnBoard.Result r = BootOnBoard.boot(image, accel, "smp=1");
        // Without a virtio console the runtime ends with PSCI SYSTEM_OFF: status 0 (as QEMU).
        assertEquals(0, r.status(), r.console());
        assertTrue(r.console().contains("SUMMARY: "), r.console());
        assertTrue(r.instructions() > 10_000, "instructions: " + r.instructions());
    }
}
