package dev.armature.vfio;

import dev.armature.vm.Vm;

/**
 * The VMM's non-forwarded path for one VFIO IRQ: each host interrupt signals the VMM (an exit), which raises
 * guest SPI {@code gsi}; the host line stays masked until the guest deactivates the SPI, when the VMM is told
 * (a second exit), lowers the SPI and unmasks the host line (resample). Counts the VMM exits.
 */
public final class UserspaceIrqRoute implements AutoCloseable {
    private final Vm vm;
    private final VfioPlatformDevice device;
    private final int index;
    private final int gsi;
    private long exits;

    /** Sets up signalling and the resampler; errors as {@link VfioPlatformDevice#setSignal} and
     * {@link Vm#setResampler}. */
    public UserspaceIrqRoute(Vm vm, VfioPlatformDevice device, int index, int gsi) {
        this.vm = vm;
        this.device = device;
        this.index = index;
        this.gsi = gsi;
        vm.setResampler(gsi, this::resample);
        try {
            device.setSignal(index, 0, this::trigger);
        } catch (RuntimeException e) {
            vm.setResampler(gsi, null);
            throw e;
        }
    }

    private void trigger() {
        synchronized (this) {
            exits++;
        }
        vm.irqLine(gsi, true);
    }

    private void resample() {
        synchronized (this) {
            exits++;
        }
        vm.irqLine(gsi, false);
        device.unmask(index, 0);
    }

    /** VMM exits so far (one per host interrupt, one per guest EOI). */
    public synchronized long exits() {
        return exits;
    }

    /** Tears the route down; the SPI is lowered and the host line unmasked. */
    @Override
    public void close() {
        device.clearSignal(index, 0);
        vm.setResampler(gsi, null);
        vm.irqLine(gsi, false);
    }
}
