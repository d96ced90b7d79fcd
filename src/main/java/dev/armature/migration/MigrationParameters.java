package dev.armature.migration;

/**
 * When pre-copy stops iterating and stops the VM (QMP {@code migrate-set-parameters}): once the dirty pages left
 * could be sent within {@code downtimeLimit} milliseconds at the bandwidth of the last round, or after
 * {@code maxIterations} rounds after the first, whichever comes first.
 *
 * @param downtimeLimit milliseconds (QMP {@code downtime-limit}, QEMU's default 300)
 * @param maxIterations rounds (QMP {@code x-max-iterations}; QEMU has no such limit, it never forces convergence)
 */
public record MigrationParameters(long downtimeLimit, int maxIterations) {
    public static final MigrationParameters DEFAULTS = new MigrationParameters(300, 30);

    public MigrationParameters {
        if (downtimeLimit < 0 || downtimeLimit > 2_000_000) {
            throw new IllegalArgumentException("Parameter 'downtime-limit' expects an integer in the range of 0 to "
                    + "2000 seconds");
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException("Parameter 'x-max-iterations' expects a positive integer");
        }
    }
}
