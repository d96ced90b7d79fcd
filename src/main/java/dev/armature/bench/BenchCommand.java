package dev.armature.bench;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A benchmark main's command line (picocli): {@code -h}/{@code --help}, picocli's handling of a bad option or value
 * (its message naming it, the usage, exit status 2), the same for the checks picocli cannot make itself (ranges,
 * names: {@link #check}), and a run that fails as one line {@code NAME: message} with exit status 1, never a stack
 * trace. Usage lists the options in the order declared, with a space before their values as {@code bench/run}'s
 * header writes them.
 */
@Command(sortOptions = false, sortSynopsis = false, separator = " ")
abstract class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this usage and exit")
    boolean help;

    /** Checks the parsed values picocli cannot (ranges, names) with {@link #require}; nothing by default. */
    void check() {
    }

    /** The benchmark itself, after the checks; returns the exit status. */
    abstract int run() throws Exception;

    @Override
    public final Integer call() throws Exception {
        check();
        return run();
    }

    /** A usage error naming the option unless ok: reported like picocli's own (message, usage, status 2). */
    final void require(boolean ok, String message) {
        if (!ok) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }

    /** A usage error unless value &ge; min: {@code NAME must be at least MIN, not VALUE}. */
    final void requireAtLeast(String name, long value, long min) {
        require(value >= min, name + " must be at least " + min + ", not " + value);
    }

    /** Every name must be one of known, e.g. {@code unknown kernel 'fft' (known: crc,sieve,matrix,simd)}. */
    final void requireKnown(String what, List<String> names, List<String> known) {
        for (String n : names) {
            require(known.contains(n), "unknown " + what + " '" + n + "' (known: " + String.join(",", known) + ")");
        }
    }

    /** The command line of a benchmark, with the failed run's one-line report. */
    static CommandLine commandLine(BenchCommand command) {
        CommandLine cl = new CommandLine(command);
        cl.setExecutionExceptionHandler((e, c, parsed) -> {
            c.getErr().println(c.getCommandName() + ": " + (e.getMessage() != null ? e.getMessage() : e));
            return 1;
        });
        return cl;
    }

    /** Parses and checks args without running the benchmark; throws {@link ParameterException} on bad ones. */
    static void parse(BenchCommand command, String... args) {
        commandLine(command).parseArgs(args);
        command.check();
    }

    /** A benchmark's main: parse, check, run, then exit with the status. */
    static void main(BenchCommand command, String[] args) {
        System.exit(commandLine(command).execute(args));
    }
}
