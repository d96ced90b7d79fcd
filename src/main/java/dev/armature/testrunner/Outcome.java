package dev.armature.testrunner;

import java.nio.file.Path;

/**
 * The result of one guest test.
 *
 * @param checks number of PASS/FAIL/XFAIL/XPASS/SKIP report lines the guest printed
 * @param log    the console log, or null if the test never started
 */
public record Outcome(String name, Status status, String reason, int checks, double seconds, Path log) {
    public enum Status { PASS, FAIL, SKIP }

    /** The runner's one-line report: {@code PASS name (N tests, T s)}, {@code FAIL name (reason)}, ... */
    public String line() {
        return switch (status) {
            case PASS -> String.format("PASS %s (%d tests, %.2f s)", name, checks, seconds);
            case FAIL, SKIP -> status + " " + name + " (" + reason + ")";
        };
    }
}
