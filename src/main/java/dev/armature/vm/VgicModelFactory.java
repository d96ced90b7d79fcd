package dev.armature.vm;

import dev.armature.arch.aarch64.Cpu;

import java.util.List;

/**
 * The seam between the vGIC device contract (addresses, regions, errno rules, initialisation) and an
 * interrupt-controller model. The contract works without one ({@link #NONE}): then only the registers it
 * computes itself exist. A board plugs its GICv2/v3 models in through {@link Vm#create(int,
 * dev.armature.arch.aarch64.CpuModel, VgicModelFactory)}.
 */
public interface VgicModelFactory {
    /** No model: nothing is mapped and only contract-computed registers exist. */
    VgicModelFactory NONE = new VgicModelFactory() {
        @Override
        public boolean hasRegister(int version, RegisterSpace space, long offset) {
            return false;
        }

        @Override
        public VgicModel create(int version, int interruptCount, List<Cpu> cpus) {
            return new VgicModel() {
                @Override
                public void map(VgicLayout layout, dev.armature.memory.PhysicalMemory memory) {
                }

                @Override
                public int readRegister(RegisterSpace space, Cpu cpu, long offset) {
                    throw new IllegalStateException("no register at " + space + " 0x" + Long.toHexString(offset));
                }

                @Override
                public void writeRegister(RegisterSpace space, Cpu cpu, long offset, int value) {
                    throw new IllegalStateException("no register at " + space + " 0x" + Long.toHexString(offset));
                }

                @Override
                public void close() {
                }
            };
        }
    };

    /**
     * Whether the model of that GIC version implements a 32-bit register at {@code offset} (4-byte aligned)
     * in {@code space}. Answered before initialisation too, as KVM_HAS_DEVICE_ATTR is.
     */
    boolean hasRegister(int version, RegisterSpace space, long offset);

    /**
     * Instantiates the model when the vGIC is initialised (KVM_DEV_ARM_VGIC_CTRL_INIT, or implicitly for
     * GICv2). The vCPU set is final from then on.
     *
     * @param cpus the vCPUs in creation order
     * @throws KvmException to refuse (KVM's vgic_init can fail with ENOMEM, for instance); the vGIC then stays
     *         uninitialised
     */
    VgicModel create(int version, int interruptCount, List<Cpu> cpus);
}
