package dev.armature.vfio;

import dev.armature.vm.IrqChip;

/**
 * The VMM's non-forwarded path for one VFIO IRQ (an irqfd with a resamplefd, in KVM terms): each host interrupt
 * signals the VMM (an exit), which raises guest SPI {@code gsi}; the host line stays masked until the guest
 * deactivates the SPI, when the VMM is told (a second exit), lowers the SPI and unmasks the host line
 * (resample). Counts the VMM exits.
 *
 * <p>The route ends when VFIO hangs up its eventfd: by {@link #close}, or when the device file is closed under
 * it. Either way the SPI is lowered, the resampler dropped and (by VFIO) the host line unmasked, so nothing of
 * the route is left to raise the SPI again or to unmask the line later.
 */
public final class UserspaceIrqRoute implements AutoCloseable {
    private final IrqChip vm;
    private final VfioPlatformDevice device;
    private final int index;
    private final int gsi;
    private long exits;
    private boolean ended;

    /** Sets up the resampler and signalling; errors as {@link VfioPlatformDevice#setSignal} and
     * {@link IrqChip#setResampler}. */
    public UserspaceIrqRoute(IrqChip vm, VfioPlatformDevice device, int index, int gsi) {
        this.vm = vm;
        this.device = device;
        this.index = index;
        this.gsi = gsi;
        vm.setResampler(gsi, this::resample);
        try {
            device.setSignal(index, 0, new IrqEventFd() {
                @Override
                public void signal() {
                    trigger();
                }

                @Override
                public void hangup() {
                    end();
                }
            });
        } catch (RuntimeException e) {
            vm.setResampler(gsi, null);
            throw e;
        }
    }

    private void trigger() {
        synchronized (this) {
            if (ended || vm.isClosed()) {
                return; // nobody reads the eventfd any more: the VM is gone
            }
            exits++;
        }
        vm.irqLine(gsi, true);
    }

    private void resample() {
        synchronized (this) {
            if (ended) {
                return;
            }
            exits++;
        }
        vm.irqLine(gsi, false);
        device.unmask(index, 0);
    }

    /** VFIO hung up: the route is over. A destroyed VM already dropped its lines and resamplers. */
    private void end() {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
        }
        if (!vm.isClosed()) {
            vm.setResampler(gsi, null);
            vm.irqLine(gsi, false);
        }
    }

    /** VMM exits so far (one per host interrupt, one per guest EOI). */
    public synchronized long exits() {
        return exits;
    }

    /** Whether the route has ended (closed, or its device file closed). */
    public synchronized boolean isEnded() {
        return ended;
    }

    /** Tears the route down (VFIO's signalling first, which hangs up and so ends the route); idempotent. */
    @Override
    public void close() {
        device.clearSignal(index, 0);
    }
}
