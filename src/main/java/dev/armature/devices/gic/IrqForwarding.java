package dev.armature.devices.gic;

/**
 * The narrow interface through which the VM layer drives SPIs of a vGIC: userspace-style injection
 * (KVM_IRQ_LINE), a notification when the guest deactivates an interrupt (for resampling level interrupts),
 * and forwarding, which binds a host interrupt to a virtual SPI. It takes only (host interrupt, guest INTID):
 * no VFIO object reaches the interrupt controller.
 */
public interface IrqForwarding {
    /** Drives the input line of SPI {@code intid} (32 up). */
    void setLevel(int intid, boolean level);

    /**
     * Called with the GIC's lock held whenever an interrupt stops being active through deactivation (an EOI
     * with EOImode 0, or a DIR write). Replaces any previous listener; null removes it.
     */
    void setDeactivationListener(DeactivationListener listener);

    /**
     * Binds {@code host} to SPI {@code guestIrq}: each time the host interrupt is taken the SPI becomes pending
     * (no VMM involvement), and the guest's deactivation of the SPI deactivates the host interrupt.
     *
     * @throws IllegalArgumentException if {@code guestIrq} is not an SPI or is already forwarded
     */
    void forward(PhysicalInterrupt host, int guestIrq);

    /**
     * Undoes {@link #forward}; cannot fail. A virtual interrupt in flight (pending or active) is dropped and
     * its host interrupt deactivated, so the host is left idle: an input still asserted is taken again by
     * whatever handles the host interrupt next. Does nothing if {@code guestIrq} is not forwarded.
     */
    void unforward(int guestIrq);

    /** Deactivation of an interrupt by a CPU interface. */
    @FunctionalInterface
    interface DeactivationListener {
        void deactivated(int cpu, int intid);
    }
}
