package dev.armature.vm;

/** Capabilities for {@link Vm#checkExtension(Capability)}, with the numbers of linux/kvm.h's KVM_CAP_*. */
public enum Capability {
    /** KVM_CAP_IRQCHIP. */
    IRQCHIP(0),
    /** KVM_CAP_USER_MEMORY. */
    USER_MEMORY(3),
    /** KVM_CAP_NR_VCPUS. */
    NR_VCPUS(9),
    /** KVM_CAP_NR_MEMSLOTS. */
    NR_MEMSLOTS(10),
    /** KVM_CAP_MP_STATE. */
    MP_STATE(14),
    /** KVM_CAP_MAX_VCPUS. */
    MAX_VCPUS(66),
    /** KVM_CAP_ARM_PSCI. */
    ARM_PSCI(87),
    /** KVM_CAP_DEVICE_CTRL. */
    DEVICE_CTRL(89),
    /** KVM_CAP_ARM_PSCI_0_2. */
    ARM_PSCI_0_2(102),
    /** KVM_CAP_MAX_VCPU_ID. */
    MAX_VCPU_ID(128),
    /** KVM_CAP_ARM_VM_IPA_SIZE. */
    ARM_VM_IPA_SIZE(165);

    private final int number;

    Capability(int number) {
        this.number = number;
    }

    /** The KVM_CAP_* number. */
    public int number() {
        return number;
    }
}
