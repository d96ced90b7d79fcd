package dev.armature.testrunner;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One {@code [name]} section of a kvm-unit-tests {@code unittests.cfg}.
 *
 * @param smp          the {@code smp} value as written (may be shell arithmetic); null when absent (1 vCPU)
 * @param extraParams  emulator options, already split into words as the shell would
 * @param accel        required accelerator, or null
 * @param arch         required architecture (arm64 or arm), or null
 * @param timeoutSeconds per-test timeout, or 0 for the runner's default
 * @param checks       {@code path=value} conditions that must hold, else the test is skipped
 * @param expectOutput a regular expression some line of the emulator's output must contain for a pass (an
 *                     Armature extension, e.g. to check {@code -d jit-stats} counters), or null
 */
public record TestSpec(String name, String file, String smp, List<String> extraParams, Set<String> groups,
                       String accel, String arch, double timeoutSeconds, List<String> checks,
                       Pattern expectOutput) {
    public boolean nodefault() {
        return groups.contains("nodefault");
    }
}
