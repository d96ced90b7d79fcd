package dev.armature.vm;

/**
 * An in-kernel device created with {@link Vm#createDevice}: configured through KVM's device attributes
 * (KVM_SET_DEVICE_ATTR, KVM_GET_DEVICE_ATTR, KVM_HAS_DEVICE_ATTR).
 *
 * <p>The attribute's value travels as KVM's {@code kvm_device_attr.addr} does, through a pointer to a 64-bit
 * word in userspace. Its Java analogue is a {@code Long}: the word's content, or {@code null} for a NULL (or
 * otherwise unreadable) pointer, which fails with EFAULT exactly where KVM would dereference it. Attributes
 * that take no value (KVM_DEV_ARM_VGIC_CTRL_INIT) ignore it.
 */
public sealed interface Device permits VgicDevice, ItsDevice, KvmVfioDevice {
    /** What kind of device this is. */
    DeviceType type();

    /** KVM_SET_DEVICE_ATTR. */
    void setAttr(int group, long attr, Long value);

    /** KVM_SET_DEVICE_ATTR with a valid pointer to {@code value}. */
    default void setAttr(int group, long attr, long value) {
        setAttr(group, attr, Long.valueOf(value));
    }

    /**
     * KVM_GET_DEVICE_ATTR. {@code in} is what the userspace word holds before the call (only
     * KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION reads it: the region index); null is a NULL pointer (EFAULT).
     *
     * @return what KVM would have stored in the word
     */
    long getAttr(int group, long attr, Long in);

    /** KVM_GET_DEVICE_ATTR with a valid pointer to a zeroed word. */
    default long getAttr(int group, long attr) {
        return getAttr(group, attr, 0L);
    }

    /** KVM_HAS_DEVICE_ATTR: returns normally if the attribute exists, else throws (ENXIO, or EINVAL for a
     * register attribute naming a vCPU that does not exist). */
    void hasAttr(int group, long attr);
}
