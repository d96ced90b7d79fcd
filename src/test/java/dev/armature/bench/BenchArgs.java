package dev.armature.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** A bench main's arguments in tests: parsed and checked, never run. */
final class BenchArgs {
    private BenchArgs() {
    }

    /** The command with args parsed and checked (the benchmark does not run). */
    static <T extends BenchCommand> T parsed(T command, String... args) {
        BenchCommand.parse(command, args);
        return command;
    }

    /**
     * Asserts that args are refused before the benchmark would run, and by the main with exit status 2; returns
     * the first line printed, the one naming the problem.
     */
    static String refused(Supplier<? extends BenchCommand> bench, String... args) {
        assertThrows(ParameterException.class, () -> BenchCommand.parse(bench.get(), args));
        StringWriter err = new StringWriter();
        CommandLine cl = BenchCommand.commandLine(bench.get());
        cl.setErr(new PrintWriter(err, true));
        assertEquals(2, cl.execute(args));
        return err.toString().lines().findFirst().orElseThrow();
    }
}
