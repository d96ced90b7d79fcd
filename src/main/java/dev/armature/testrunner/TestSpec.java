package dev.armature.testrunner;

import java.util.List;
import java.util.Set;

/**
 * One {@code [name]} section of a kvm-unit-tests {@code unittests.cfg}.
 *
 * @param smp          the {@code smp} value as written (may be shell arithmetic); null when absent (1 vCPU)
 * @param extraParams  emulator options, already split into words as the shell would
 * @param accel        required accelerator, or null
 * @param arch         required architecture (arm64 or arm), or null
 * @param timeoutSeconds per-test timeout, or 0 for the runner's default
 * @param checks       {@code path=value} conditions that must hold, else the test is skipped
 */
public record TestSpec(String name, String file, String smp, List<String> extraParams, Set<String> groups,
                       String accel, String arch, double timeoutSeconds, List<String> checks) {
    public boolean nodefault() {
        return groups.contains("nodefault");
    }
}
