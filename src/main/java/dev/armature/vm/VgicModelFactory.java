package dev.armature.vm;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.devices.gic.InterruptController;
import dev.armature.memory.PhysicalMemory;

import java.util.List;

/**
 * The seam between the vGIC device contract (addresses, regions, errno rules, initialisation) and an
 * interrupt-controller model. {@link Vm#create()} plugs in {@link GicModels}, the GICv2/v3 models the
 * {@code virt} board runs; the contract also works without one ({@link #NONE}): then only the registers it
 * computes itself exist.
 */
public interface VgicModelFactory {
    /** No model: nothing is mapped and only contract-computed registers exist. */
    VgicModelFactory NONE = new VgicModelFactory() {
        @Override
        public boolean hasRegister(int version, RegisterSpace space, long offset) {
            return false;
        }

        @Override
        public VgicModel create(int version, int interruptCount, List<Vcpu> vcpus) {
            return new VgicModel() {
                @Override
                public void map(VgicLayout layout, PhysicalMemory memory) {
                }

                @Override
                public void connect(int vcpuIndex, Cpu fresh, Cpu previous) {
                }

                @Override
                public int readRegister(RegisterSpace space, int vcpuIndex, long offset) {
                    throw new IllegalStateException("no register at " + space + " 0x" + Long.toHexString(offset));
                }

                @Override
                public void writeRegister(RegisterSpace space, int vcpuIndex, long offset, int value) {
                    throw new IllegalStateException("no register at " + space + " 0x" + Long.toHexString(offset));
                }

                @Override
                public InterruptController interruptController() {
                    return null;
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
     * GICv2), and connects the vCPUs' current Cpus. The vCPU set is final from then on.
     *
     * @param vcpus the vCPUs in creation order
     * @throws KvmException to refuse (KVM's vgic_init can fail with ENOMEM, for instance); the vGIC then stays
     *         uninitialised
     */
    VgicModel create(int version, int interruptCount, List<Vcpu> vcpus);
}
