package dev.armature.vm;

/** In-kernel device types this VM can create, with linux/kvm.h's KVM_DEV_TYPE_* numbers. */
public enum DeviceType {
    /** KVM_DEV_TYPE_VFIO: the KVM-VFIO device ({@link KvmVfioDevice}). */
    KVM_VFIO(4),
    /** KVM_DEV_TYPE_ARM_VGIC_V2. */
    ARM_VGIC_V2(5),
    /** KVM_DEV_TYPE_ARM_VGIC_V3. */
    ARM_VGIC_V3(7),
    /** KVM_DEV_TYPE_ARM_VGIC_ITS. */
    ARM_VGIC_ITS(8);

    private final int number;

    DeviceType(int number) {
        this.number = number;
    }

    /** The KVM_DEV_TYPE_* number. */
    public int number() {
        return number;
    }

    /** The type with that KVM number, or null. */
    static DeviceType of(int number) {
        for (DeviceType t : values()) {
            if (t.number == number) {
                return t;
            }
        }
        return null;
    }
}
