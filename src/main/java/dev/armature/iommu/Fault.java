package dev.armature.iommu;

/**
 * A device transaction that could not be translated.
 *
 * @param master the device whose transaction faulted
 * @param deviceAddress the address the device used
 * @param access read or write
 * @param reason why it faulted
 */
public record Fault(DmaMaster master, long deviceAddress, Access access, Reason reason) {
    /** Why a translation failed. */
    public enum Reason {
        /** Nothing is mapped at the address. */
        TRANSLATION,
        /** The mapping does not permit this access. */
        PERMISSION,
        /** The device's association (or SMMU context) is not active. */
        INACTIVE
    }

    @Override
    public String toString() {
        return String.format("%s fault: %s of device address 0x%x by %s", reason, access, deviceAddress, master.name());
    }
}
