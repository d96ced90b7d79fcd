package dev.armature.iommu;

/**
 * The result of one translation: the physical address and how many bytes from it the same mapping covers, or
 * the reason it failed.
 */
record Translation(long pa, long extent, Fault.Reason failure) {
    static Translation of(long pa, long extent) {
        return new Translation(pa, extent, null);
    }

    static Translation failed(Fault.Reason reason) {
        return new Translation(0, 0, reason);
    }

    boolean ok() {
        return failure == null;
    }
}
