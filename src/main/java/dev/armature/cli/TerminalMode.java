package dev.armature.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts the controlling terminal in character mode while the guest owns the console, as QEMU does for a stdio
 * serial port: no line editing, no local echo (the guest echoes), no input translation, one byte at a time.
 * Ctrl-C still signals (QEMU's default {@code signal=on}). The previous settings come back at exit.
 *
 * <p>Uses {@code stty} on the inherited stdin; does nothing when stdin is not a terminal or stty is missing.
 */
final class TerminalMode {
    private TerminalMode() {
    }

    /** Switches stdin's terminal to character mode if it is one; restores it when the JVM exits. */
    static void enterCharacterMode() {
        java.io.Console console = System.console();
        if (console == null || !console.isTerminal()) {
            return;
        }
        String saved = stty("-g");
        if (saved == null || saved.isBlank()) {
            return;
        }
        if (stty("-ignbrk", "-brkint", "-parmrk", "-istrip", "-inlcr", "-igncr", "-icrnl", "-ixon", "opost",
                "-echo", "-echonl", "-icanon", "-iexten", "cs8", "-parenb", "min", "1", "time", "0") != null) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stty(saved.strip()), "terminal-restore"));
        }
    }

    /** Runs stty on our stdin; returns its output, or null if it failed. */
    private static String stty(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("stty");
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
