package dev.armature.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** The {@code armature} command: QEMU-style system emulation options, plus subcommands. */
@Command(name = "armature", mixinStandardHelpOptions = false, subcommands = {UserCommand.class, TestCommand.class},
        description = "An AArch64 virtual platform.")
public final class Main implements Callable<Integer> {
    @Option(names = {"--version", "-version"}, description = "print the version and exit")
    boolean version;

    @Option(names = {"-h", "-help", "--help"}, usageHelp = true, description = "show this help")
    boolean help;

    @Override
    public Integer call() {
        if (version) {
            System.out.println("Armature " + Version.get());
            return 0;
        }
        System.err.println("armature: system emulation not implemented yet");
        return 1;
    }

    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setPosixClusteredShortOptionsAllowed(false);
        System.exit(cl.execute(args));
    }
}
