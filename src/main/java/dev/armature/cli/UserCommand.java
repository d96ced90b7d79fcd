package dev.armature.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code armature user PROGRAM [ARGS...]}: runs a static arm64 Linux ELF at EL0 (like qemu-aarch64). */
@Command(name = "user", description = "Run a static arm64 Linux program (like qemu-aarch64).")
public final class UserCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "PROGRAM [ARGS...]", description = "the program and its arguments")
    List<String> argv;

    @Override
    public Integer call() {
        System.err.println("armature user: not implemented yet");
        return 1;
    }
}
