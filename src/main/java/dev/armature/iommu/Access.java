package dev.armature.iommu;

/** The kind of a device transaction, checked against the mapping's {@link MappingAttribute}s. */
public enum Access {
    READ, WRITE;

    boolean permittedBy(java.util.Set<MappingAttribute> attrs) {
        return attrs.contains(this == READ ? MappingAttribute.READ : MappingAttribute.WRITE);
    }
}
