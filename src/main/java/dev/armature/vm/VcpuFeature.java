package dev.armature.vm;

/** vCPU features for {@link Vcpu#init(java.util.Set)}, numbered as KVM_ARM_VCPU_* feature bits. */
public enum VcpuFeature {
    /** The vCPU starts powered off (mp state STOPPED) until PSCI CPU_ON or {@link Vcpu#setMpState}. */
    POWER_OFF(0),
    /** PSCI 0.2 (and later) semantics for the vCPU's firmware calls instead of the original PSCI 0.1. */
    PSCI_0_2(2),
    /**
     * The vCPU has EL2 (nested virtualization): it resets, and PSCI CPU_ON starts it, at EL2h instead of EL1h.
     * Needs a CPU model with EL2.
     */
    HAS_EL2(7);

    private final int bit;

    VcpuFeature(int bit) {
        this.bit = bit;
    }

    /** The KVM_ARM_VCPU_* bit number in kvm_vcpu_init.features[0]. */
    public int bit() {
        return bit;
    }
}
