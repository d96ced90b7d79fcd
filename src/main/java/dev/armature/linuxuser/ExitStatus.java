package dev.armature.linuxuser;

/**
 * How a guest process ended: {@code exit(code)}, or killed by {@code signal} (non-zero) with a one-line
 * {@code message} saying why.
 */
public record ExitStatus(int code, int signal, String message) {
    public static ExitStatus exited(int code) {
        return new ExitStatus(code & 0xff, 0, null);
    }

    public static ExitStatus killed(int signal, String message) {
        return new ExitStatus(0, signal, message);
    }

    /** The status a shell reports: the exit code, or 128 + the signal number. */
    public int shellStatus() {
        return signal != 0 ? 128 + signal : code;
    }
}
