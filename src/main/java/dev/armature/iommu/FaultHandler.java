package dev.armature.iommu;

/**
 * A fault hook registered on a device ({@link DmaMaster#hookFaults}). It runs on the thread of the faulting
 * transaction, may change mappings (back a reservation, map a page) and then asks for a {@link FaultAction#RETRY},
 * or gives up with {@link FaultAction#TERMINATE}.
 */
@FunctionalInterface
public interface FaultHandler {
    FaultAction onFault(Fault fault);
}
