package dev.armature.testrunner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Parser for kvm-unit-tests' {@code unittests.cfg}: {@code [name]} sections of {@code key = value} lines,
 * {@code #} comments. Keys we do not know are collected as warnings naming the file and line, not ignored.
 */
public final class UnittestsCfg {
    private static final Set<String> KEYS =
            Set.of("file", "smp", "extra_params", "qemu_params", "test_args", "groups", "accel", "arch", "timeout",
                    "check", "expect_output");

    private final List<TestSpec> tests;
    private final List<String> warnings;

    private UnittestsCfg(List<TestSpec> tests, List<String> warnings) {
        this.tests = tests;
        this.warnings = warnings;
    }

    public List<TestSpec> tests() {
        return tests;
    }

    public List<String> warnings() {
        return warnings;
    }

    public static UnittestsCfg read(Path path) throws IOException {
        return parse(Files.readAllLines(path), path.toString());
    }

    public static UnittestsCfg parse(List<String> lines, String source) {
        List<TestSpec> tests = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        String name = null;
        Map<String, String> keys = new LinkedHashMap<>();
        int sectionLine = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            String where = source + ":" + (i + 1);
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[")) {
                if (!line.endsWith("]") || line.length() < 3) {
                    throw new IllegalArgumentException(where + ": malformed section header '" + line + "'");
                }
                if (name != null) {
                    tests.add(build(name, keys, source + ":" + sectionLine));
                }
                name = line.substring(1, line.length() - 1).strip();
                keys = new LinkedHashMap<>();
                sectionLine = i + 1;
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(where + ": expected 'key = value', got '" + line + "'");
            }
            if (name == null) {
                throw new IllegalArgumentException(where + ": '" + line + "' is outside any [test] section");
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (!KEYS.contains(key)) {
                warnings.add(where + ": unknown key '" + key + "' in [" + name + "]");
                continue;
            }
            keys.put(key, value);
        }
        if (name != null) {
            tests.add(build(name, keys, source + ":" + sectionLine));
        }
        return new UnittestsCfg(tests, warnings);
    }

    private static TestSpec build(String name, Map<String, String> k, String where) {
        String file = k.get("file");
        if (file == null || file.isEmpty()) {
            throw new IllegalArgumentException(where + ": test [" + name + "] has no 'file'");
        }
        List<String> params = new ArrayList<>();
        params.addAll(ShellWords.split(k.getOrDefault("extra_params", "")));
        params.addAll(ShellWords.split(k.getOrDefault("qemu_params", "")));
        String testArgs = k.get("test_args");
        if (testArgs != null) {
            params.add("-append");
            params.add(String.join(" ", ShellWords.split(testArgs)));
        }
        Set<String> groups = new LinkedHashSet<>(List.of(k.getOrDefault("groups", "").split("\\s+")));
        groups.remove("");
        List<String> checks = new ArrayList<>(ShellWords.split(k.getOrDefault("check", "")));
        Pattern expect = null;
        if (k.containsKey("expect_output")) {
            try {
                expect = Pattern.compile(k.get("expect_output"));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(where + ": bad expect_output regular expression: "
                        + e.getDescription());
            }
        }
        return new TestSpec(name, file, k.get("smp"), List.copyOf(params), Set.copyOf(groups), k.get("accel"),
                k.get("arch"), parseTimeout(k.get("timeout"), where), List.copyOf(checks), expect);
    }

    /** kvm-unit-tests timeouts are timeout(1) durations: 90, 90s, 2m, 1h. */
    static double parseTimeout(String t, String where) {
        if (t == null || t.isEmpty()) {
            return 0;
        }
        double unit = switch (t.charAt(t.length() - 1)) {
            case 's' -> 1;
            case 'm' -> 60;
            case 'h' -> 3600;
            case 'd' -> 86400;
            default -> 0;
        };
        String num = unit == 0 ? t : t.substring(0, t.length() - 1);
        try {
            return Double.parseDouble(num) * (unit == 0 ? 1 : unit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": bad timeout '" + t + "'");
        }
    }
}
