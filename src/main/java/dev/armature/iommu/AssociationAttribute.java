package dev.armature.iommu;

import dev.armature.vm.Errno;

import java.util.EnumSet;
import java.util.Set;

/**
 * How a VCM is attached to a device's page tables. Without {@link #SPLIT} the VCM owns the device's whole
 * address space. With {@code SPLIT} the device has two tables: transactions whose top address bit is one use the
 * high table, the others the low table, and the association names which one the VCM fills ({@link #USE_HIGH}
 * or {@link #USE_LOW}, exactly one). Only SMMU contexts have tables to split.
 */
public enum AssociationAttribute {
    SPLIT, USE_HIGH, USE_LOW;

    static Set<AssociationAttribute> validate(Set<AssociationAttribute> attrs) {
        boolean split = attrs.contains(SPLIT);
        int halves = (attrs.contains(USE_HIGH) ? 1 : 0) + (attrs.contains(USE_LOW) ? 1 : 0);
        if (split ? halves != 1 : halves != 0) {
            throw Refusal.of(Errno.EINVAL,
                    "SPLIT needs exactly one of USE_HIGH, USE_LOW (and they need SPLIT): %s", attrs);
        }
        return Set.copyOf(attrs.isEmpty() ? EnumSet.noneOf(AssociationAttribute.class) : attrs);
    }
}
