package dev.armature.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** What every bench main's command line does: usage on --help, unknown options refused, failures as one line. */
class BenchCommandTest {
    static Stream<Supplier<BenchCommand>> benches() {
        return Stream.of(GuestBench::new, ShapeBench::new, LinuxBootBench::new, MigrationBench::new,
                TcgVsInterp::new, HookCost::new, IrqForwardingBench::new, SmmuTlbBench::new);
    }

    @ParameterizedTest
    @MethodSource("benches")
    void helpPrintsUsageWithoutRunning(Supplier<BenchCommand> bench) {
        BenchCommand command = bench.get();
        CommandLine cl = BenchCommand.commandLine(command);
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        assertEquals(0, cl.execute("--help"));
        assertTrue(out.toString().startsWith("Usage: " + cl.getCommandName() + " [-h]"), out.toString());
    }

    @ParameterizedTest
    @MethodSource("benches")
    void unknownOptionIsRefused(Supplier<BenchCommand> bench) {
        assertEquals("Unknown option: '--frobnicate'", BenchArgs.refused(bench, "--frobnicate"));
    }

    @Command(name = "failing")
    static final class Failing extends BenchCommand {
        @Override
        int run() throws IOException {
            throw new IOException("guest/images/none.flat not found");
        }
    }

    @Test
    void failedRunIsOneLineWithStatus1() {
        CommandLine cl = BenchCommand.commandLine(new Failing());
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        assertEquals(1, cl.execute());
        assertEquals("failing: guest/images/none.flat not found\n", err.toString());
    }
}
