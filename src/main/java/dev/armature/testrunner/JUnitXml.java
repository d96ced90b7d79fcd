package dev.armature.testrunner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Writes outcomes as JUnit XML (one {@code testsuite}), the format CI systems read. */
public final class JUnitXml {
    private JUnitXml() {
    }

    public static void write(Path file, String suite, List<Outcome> outcomes) throws IOException {
        long failures = outcomes.stream().filter(o -> o.status() == Outcome.Status.FAIL).count();
        long skipped = outcomes.stream().filter(o -> o.status() == Outcome.Status.SKIP).count();
        double total = outcomes.stream().mapToDouble(Outcome::seconds).sum();
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.append(String.format(Locale.ROOT,
                "<testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" errors=\"0\" skipped=\"%d\" time=\"%.3f\">%n",
                esc(suite), outcomes.size(), failures, skipped, total));
        for (Outcome o : outcomes) {
            sb.append(String.format(Locale.ROOT, "  <testcase classname=\"%s\" name=\"%s\" time=\"%.3f\"",
                    esc(suite), esc(o.name()), o.seconds()));
            String log = readLog(o.log());
            if (o.status() == Outcome.Status.PASS && log.isEmpty()) {
                sb.append("/>\n");
                continue;
            }
            sb.append(">\n");
            if (o.status() == Outcome.Status.FAIL) {
                sb.append("    <failure message=\"").append(esc(o.reason())).append("\"/>\n");
            } else if (o.status() == Outcome.Status.SKIP) {
                sb.append("    <skipped message=\"").append(esc(o.reason())).append("\"/>\n");
            }
            if (!log.isEmpty()) {
                sb.append("    <system-out>").append(esc(log)).append("</system-out>\n");
            }
            sb.append("  </testcase>\n");
        }
        sb.append("</testsuite>\n");
        Files.writeString(file, sb, StandardCharsets.UTF_8);
    }

    private static String readLog(Path log) {
        try {
            return log == null || !Files.exists(log) ? "" : Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Escapes for XML text and attributes; drops characters XML 1.0 cannot carry (raw console bytes). */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> {
                    if (c == 0x9 || c == 0xa || c == 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd)
                            || c >= 0x10000) {
                        b.appendCodePoint(c);
                    }
                }
            }
        });
        return b.toString();
    }
}
