package dev.armature.vfio;

/**
 * The eventfd through which VFIO signals one IRQ to whoever consumes it (the VMM, or KVM's irqfd): signalled once
 * per host interrupt, and hung up when VFIO stops signalling through it (VFIO_DEVICE_SET_IRQS with count 0, or
 * the device file closed). A consumer must treat the hang-up as the end of the route, as KVM's irqfd does on
 * EPOLLHUP: lower the guest line it raised and drop its resampler.
 */
public interface IrqEventFd {
    /** One host interrupt. */
    void signal();

    /** VFIO no longer signals through this eventfd; called once, after the host line is unmasked. */
    void hangup();
}
