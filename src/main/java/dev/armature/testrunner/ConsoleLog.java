package dev.armature.testrunner;

import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a guest's console says in kvm-unit-tests' reporting protocol. */
public record ConsoleLog(int pass, int fail, int skip, int xfail, int xpass, String summary, OptionalInt exitStatus,
                         String firstFailure) {
    private static final Pattern EXIT = Pattern.compile("^EXIT: STATUS=(\\d+)\\s*$");

    public static ConsoleLog parse(List<String> lines) {
        int pass = 0;
        int fail = 0;
        int skip = 0;
        int xfail = 0;
        int xpass = 0;
        String summary = null;
        String firstFailure = null;
        OptionalInt exit = OptionalInt.empty();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.startsWith("PASS:")) {
                pass++;
            } else if (line.startsWith("FAIL:")) {
                fail++;
                if (firstFailure == null) {
                    firstFailure = line.substring(5).strip();
                }
            } else if (line.startsWith("SKIP:")) {
                skip++;
            } else if (line.startsWith("XFAIL:")) {
                xfail++;
            } else if (line.startsWith("XPASS:")) {
                xpass++;
            } else if (line.startsWith("SUMMARY:")) {
                summary = line.substring(8).strip();
            } else {
                Matcher m = EXIT.matcher(line);
                if (m.matches()) {
                    exit = OptionalInt.of(Integer.parseInt(m.group(1)));
                }
            }
        }
        return new ConsoleLog(pass, fail, skip, xfail, xpass, summary, exit, firstFailure);
    }

    public int checks() {
        return pass + fail + skip + xfail + xpass;
    }
}
