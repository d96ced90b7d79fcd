package dev.armature.bench;

import static dev.armature.bench.BenchArgs.parsed;
import static dev.armature.bench.BenchArgs.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The in-process micro benchmarks' SECONDS parameter (TcgVsInterp, HookCost): default, value, bad ones refused. */
class MicroBenchArgsTest {
    static Stream<Arguments> benches() {
        Function<TcgVsInterp, SecondsParameter> tcg = b -> b.time;
        Function<HookCost, SecondsParameter> hooks = b -> b.time;
        return Stream.of(Arguments.of((Supplier<TcgVsInterp>) TcgVsInterp::new, tcg),
                Arguments.of((Supplier<HookCost>) HookCost::new, hooks));
    }

    @ParameterizedTest
    @MethodSource("benches")
    <T extends BenchCommand> void secondsParsedAndChecked(Supplier<T> bench, Function<T, SecondsParameter> time) {
        assertEquals(3.0, time.apply(parsed(bench.get())).seconds);
        assertEquals(0.5, time.apply(parsed(bench.get(), "0.5")).seconds);
        assertEquals("Invalid value for positional parameter at index 0 (SECONDS): 'long' is not a double",
                refused(bench, "long"));
        assertEquals("SECONDS must be more than 0, not 0.0", refused(bench, "0"));
        assertEquals("Unmatched argument at index 1: '3'", refused(bench, "2", "3"));
    }
}
