package dev.armature.vm;

/** Capabilities for {@link Vm#checkExtension(Capability)}, with the numbers of linux/kvm.h's KVM_CAP_*. */
public enum Capability {
    IRQCHIP(0),
    USER_MEMORY(3),
    NR_VCPUS(9),
    NR_MEMSLOTS(10),
    MP_STATE(14),
    MAX_VCPUS(66),
    ARM_PSCI(87),
    DEVICE_CTRL(89),
    ARM_PSCI_0_2(102),
    MAX_VCPU_ID(128),
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
