package dev.armature.cli;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** QEMU's option value syntax: {@code [value,]key=value,...} with ",," for a literal comma, and sizes. */
final class QemuOpts {
    private QemuOpts() {
    }

    /**
     * Parses {@code spec}; a first element without '=' is stored under {@code implicitKey} (e.g. "type" for
     * {@code -machine virt,...}). A later element without '=' is an error unless {@code implicitKey} is null
     * and it is a flag (stored as "on").
     */
    static Map<String, String> parse(String option, String spec, String implicitKey) throws CliError {
        Map<String, String> out = new LinkedHashMap<>();
        int i = 0;
        boolean first = true;
        while (i <= spec.length()) {
            StringBuilder item = new StringBuilder();
            while (i < spec.length()) {
                char c = spec.charAt(i);
                if (c == ',') {
                    if (i + 1 < spec.length() && spec.charAt(i + 1) == ',') {
                        item.append(',');
                        i += 2;
                        continue;
                    }
                    break;
                }
                item.append(c);
                i++;
            }
            i++;
            String s = item.toString();
            int eq = s.indexOf('=');
            if (eq < 0) {
                if (first && implicitKey != null) {
                    out.put(implicitKey, s);
                } else if (!s.isEmpty()) {
                    throw new CliError(option + ": '" + s + "' is not of the form key=value", 2);
                }
            } else {
                String key = s.substring(0, eq);
                if (out.put(key, s.substring(eq + 1)) != null) {
                    throw new CliError(option + ": '" + key + "' given twice", 2);
                }
            }
            first = false;
        }
        return out;
    }

    /** on/off, as QEMU spells booleans (also yes/no, true/false). */
    static boolean bool(String option, String key, String value) throws CliError {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "on", "yes", "true", "y" -> true;
            case "off", "no", "false", "n" -> false;
            default -> throw new CliError(option + ": " + key + "=" + value + ": expected on or off", 2);
        };
    }

    /**
     * A size with QEMU's suffixes: K, M, G, T (powers of 1024, either case), B for bytes; a bare number
     * means {@code defaultUnit} bytes per unit (MiB for {@code -m}). Fractions are allowed ("1.5G").
     */
    static long size(String option, String text, long defaultUnit) throws CliError {
        String t = text.trim();
        if (t.isEmpty()) {
            throw new CliError(option + ": empty size", 2);
        }
        long unit = defaultUnit;
        char last = Character.toUpperCase(t.charAt(t.length() - 1));
        int shift = "BKMGTPE".indexOf(last);
        if (shift >= 0) {
            unit = 1L << (10 * shift);
            t = t.substring(0, t.length() - 1);
        }
        try {
            BigDecimal bytes = new BigDecimal(t).multiply(BigDecimal.valueOf(unit));
            if (bytes.signum() <= 0 || bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
                throw new CliError(option + ": size '" + text + "' out of range", 2);
            }
            return bytes.longValue();
        } catch (NumberFormatException e) {
            throw new CliError(option + ": '" + text + "' is not a size (examples: 512M, 2G)", 2);
        }
    }

    static int integer(String option, String text) throws CliError {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new CliError(option + ": '" + text + "' is not a number", 2);
        }
    }
}
