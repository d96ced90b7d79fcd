package dev.armature.vm;

import dev.armature.devices.gic.IrqForwarding;

/**
 * A VM's in-kernel interrupt controller as the interrupt plumbing above it uses it: KVM_IRQ_LINE for SPIs,
 * KVM_IRQFD's resamplers, and the vGIC's forwarding interface for KVM-VFIO. {@link Vm} is one (its vGIC once
 * initialised, through {@link GicIrqChip}); a {@code GicIrqChip} can also stand over any GIC model directly.
 * Every call may fail with EBADF once the VM is destroyed.
 */
public interface IrqChip {
    /**
     * KVM_IRQ_LINE for an SPI: drives the input line of guest INTID {@code intid}. ENXIO: no vGIC that takes
     * SPIs; EINVAL: not one of its SPIs. Does not take the VM's lock, so a resampler may call it.
     */
    void irqLine(int intid, boolean level);

    /**
     * The resampler of SPI {@code intid} (KVM_IRQFD's resamplefd): runs whenever the guest deactivates it,
     * inside the GIC (so it may call {@link #irqLine} but nothing that takes the VM's lock); null removes it.
     * Errors as {@link #irqLine}.
     */
    void setResampler(int intid, Runnable resampler);

    /**
     * The vGIC's forwarding interface, to forward a host interrupt onto SPI {@code intid}; errors as
     * {@link #irqLine}. Called with the VM's lock held.
     */
    IrqForwarding forwardingFor(int intid);

    /** EBADF once the VM is destroyed. */
    void checkOpen();

    /** Whether the VM is destroyed (its lines and resamplers are gone with it). */
    boolean isClosed();
}
