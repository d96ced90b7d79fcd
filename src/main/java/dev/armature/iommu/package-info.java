/**
 * Device address spaces: the Virtual Contiguous Memory manager ({@link dev.armature.iommu.Vcmm}, VCMs,
 * reservations, associations, memory targets, physical allocations) and an SMMU model
 * ({@link dev.armature.iommu.Smmu}, {@link dev.armature.iommu.SmmuContext}). Device models reach memory only
 * through a {@link dev.armature.iommu.DeviceMemory} obtained from an association. See docs/iommu.md.
 */
package dev.armature.iommu;
