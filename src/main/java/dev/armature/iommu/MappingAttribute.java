package dev.armature.iommu;

import dev.armature.vm.Errno;

import java.util.EnumSet;
import java.util.Set;

/**
 * Attributes of a reservation's mappings (Arm flavoured): access permissions, privilege, security and one
 * memory type. At most one of the four memory types may be given; none means the target's default.
 */
public enum MappingAttribute {
    READ, WRITE, EXECUTE, USER, SUPERVISOR, SECURE,
    NOT_CACHED, WRITE_BACK_WRITE_ALLOCATE, WRITE_BACK_NO_WRITE_ALLOCATE, WRITE_THROUGH;

    private static final Set<MappingAttribute> MEMORY_TYPES =
            EnumSet.of(NOT_CACHED, WRITE_BACK_WRITE_ALLOCATE, WRITE_BACK_NO_WRITE_ALLOCATE, WRITE_THROUGH);

    /** Refuses a set naming more than one memory type; returns an immutable copy. */
    static Set<MappingAttribute> validate(Set<MappingAttribute> attrs) {
        EnumSet<MappingAttribute> copy = attrs.isEmpty() ? EnumSet.noneOf(MappingAttribute.class) : EnumSet.copyOf(attrs);
        EnumSet<MappingAttribute> types = EnumSet.copyOf(copy);
        types.retainAll(MEMORY_TYPES);
        if (types.size() > 1) {
            throw Refusal.of(Errno.EINVAL, "more than one memory type: %s", types);
        }
        return Set.copyOf(copy);
    }
}
