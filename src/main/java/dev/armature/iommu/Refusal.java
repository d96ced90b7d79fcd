package dev.armature.iommu;

import dev.armature.vm.Errno;
import dev.armature.vm.KvmException;

/**
 * Builds the error for a refused VCM or SMMU call: a {@link KvmException}, the project's one typed errno error,
 * with a formatted message. A refused call changes nothing.
 */
final class Refusal {
    private Refusal() {
    }

    static KvmException of(Errno errno, String format, Object... args) {
        return new KvmException(errno, String.format(format, args));
    }
}
