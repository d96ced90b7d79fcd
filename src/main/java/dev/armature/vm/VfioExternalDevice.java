package dev.armature.vm;

import dev.armature.devices.gic.PhysicalInterrupt;

/**
 * What KVM-VFIO needs from a VFIO device file (Linux's VFIO external-user interface): the host interrupt
 * behind a VFIO IRQ (index, subindex), whether userspace signalling is set up for it, and a reference on the
 * device. KVM-VFIO is the barrier: below it only (host interrupt, guest interrupt) travels.
 */
public interface VfioExternalDevice {
    /**
     * The host interrupt of IRQ {@code index}/{@code subindex}.
     *
     * @throws KvmException EINVAL if the device has no such IRQ
     */
    PhysicalInterrupt hostInterrupt(int index, int subindex);

    /** Whether userspace signalling (VFIO_DEVICE_SET_IRQS with a trigger) is set up for that IRQ. */
    boolean isSignalling(int index, int subindex);

    /** Takes a reference on the device. */
    void get();

    /** Drops a reference taken with {@link #get}. */
    void put();
}
