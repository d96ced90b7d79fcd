package dev.armature.devices.gic;

/**
 * A host (physical) interrupt as a vGIC sees it when a virtual interrupt is forwarded to it: it can route the
 * host interrupt to the vGIC and deactivate it when the guest deactivates the virtual one. Nothing else of the
 * host side (devices, VFIO) reaches the vGIC.
 */
public interface PhysicalInterrupt {
    /** The host interrupt number, for messages. */
    int number();

    /** Whether the host interrupt is active (taken and not yet deactivated). */
    boolean isActive();

    /** Deactivates the host interrupt; if its input is still asserted it is taken again. */
    void deactivate();

    /**
     * What runs when the host interrupt is taken (it stays active until {@link #deactivate}); null for none.
     *
     * @throws IllegalStateException if another handler is installed
     */
    void setHandler(Runnable handler);
}
