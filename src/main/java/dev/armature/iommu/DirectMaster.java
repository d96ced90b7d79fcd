package dev.armature.iommu;

/**
 * A device without an IOMMU: its addresses are physical addresses. It associates with one-to-one VCMs; the
 * VMM's own master ({@link Vcmm#cpu()}) is the one that associates with the VMM VCM.
 */
public final class DirectMaster extends DmaMaster {
    public DirectMaster(String name) {
        super(name);
    }
}
