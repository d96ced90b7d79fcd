package dev.armature.cli;

import dev.armature.accel.tcg.TcgConfig;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Picks the accelerator from the {@code -accel} options the way QEMU 7.2 does: each option is syntax-checked when
 * the command line is read; then they are tried in the order given and the first one that initialises wins.
 * An accelerator this build does not have ({@code kvm}, {@code hvf}, a typo) is reported as "invalid accelerator"
 * and skipped, and if one was skipped before the winner, "falling back to NAME" follows. The winner's properties
 * are checked, and a bad one is fatal; options after the winner are never looked at, so
 * {@code -accel tcg -accel tcg,tb-size=1} runs with the default translation-cache size. Without {@code -accel}
 * the accelerator is tcg. Armature's accelerators are {@code tcg} (the translator) and {@code interp}.
 */
final class AccelChoice {
    private AccelChoice() {
    }

    /**
     * Returns the winning option in the form {@link dev.armature.accel.Accelerator#create} takes; warnings about
     * skipped options go to {@code err}.
     *
     * @throws CliError for a malformed option, a bad property of the winner, or when no option names an
     *                  accelerator Armature has (the last "invalid accelerator" is the error)
     */
    static String choose(List<String> options, PrintStream err) throws CliError {
        if (options.isEmpty()) {
            return "tcg";
        }
        List<Map<String, String>> parsed = new ArrayList<>();
        for (String o : options) {
            parsed.add(QemuOpts.parse("-accel " + o, o, "accel"));
        }
        for (int i = 0; i < options.size(); i++) {
            String name = parsed.get(i).getOrDefault("accel", "");
            if (!name.equals("tcg") && !name.equals("interp")) {
                String message = "-accel " + options.get(i) + ": invalid accelerator " + name
                        + " (Armature has tcg and interp)";
                if (i == options.size() - 1) {
                    throw new CliError(message);
                }
                err.println("armature: " + message);
                continue;
            }
            String chosen = validate(name, parsed.get(i));
            if (i > 0) {
                err.println("armature: falling back to " + name);
            }
            return chosen;
        }
        throw new AssertionError("unreachable: the last option either wins or throws");
    }

    private static String validate(String name, Map<String, String> o) throws CliError {
        StringBuilder option = new StringBuilder(name);
        for (Map.Entry<String, String> e : o.entrySet()) {
            switch (e.getKey()) {
                case "accel" -> { }
                case "tb-size", "hot", "tb-insns", "background", "region-hot" -> {
                    if (!name.equals("tcg")) {
                        throw new CliError("-accel " + e.getKey() + "=" + e.getValue() + ": needs tcg", 2);
                    }
                    option.append(',').append(e.getKey()).append('=').append(e.getValue());
                }
                case "thread" -> {
                    if (e.getValue().equals("single")) {
                        throw new CliError("-accel thread=single: Armature always runs one host thread "
                                + "per vCPU (thread=multi)");
                    } else if (!e.getValue().equals("multi")) {
                        throw new CliError("-accel thread=" + e.getValue() + ": expected multi", 2);
                    }
                }
                default -> throw new CliError("-accel " + e.getKey() + ": unsupported accelerator property");
            }
        }
        try {
            if (name.equals("tcg")) {
                TcgConfig.parse(option.toString());
            }
        } catch (IllegalArgumentException e) {
            throw new CliError("-accel: " + e.getMessage(), 2);
        }
        return option.toString();
    }
}
