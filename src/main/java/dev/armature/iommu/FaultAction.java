package dev.armature.iommu;

/** What a fault hook decides: retry the transaction (the hook fixed the mapping) or terminate it. */
public enum FaultAction {
    RETRY, TERMINATE
}
