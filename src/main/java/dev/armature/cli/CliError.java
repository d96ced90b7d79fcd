package dev.armature.cli;

/** A command-line problem reported as one line on stderr with an exit status (2 for usage errors). */
final class CliError extends Exception {
    final int status;

    CliError(String message) {
        this(message, 1);
    }

    CliError(String message, int status) {
        super(message, null, false, false);
        this.status = status;
    }
}
