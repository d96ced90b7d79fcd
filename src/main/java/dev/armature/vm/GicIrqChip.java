package dev.armature.vm;

import static dev.armature.vm.Errno.EBADF;
import static dev.armature.vm.Errno.EINVAL;

import dev.armature.devices.gic.IrqForwarding;

import java.util.HashMap;
import java.util.Map;

/**
 * The {@link IrqChip} of one GIC model with {@code spiCount} SPIs: SPI lines, resamplers run from the GIC's
 * deactivation listener, and the GIC itself for forwarding. {@link Vm} builds one over its vGIC's model; a board
 * that runs its own GIC builds one directly. {@link #close} drops the resamplers and the listener.
 *
 * <p>Locking: the resampler table has its own lock, taken inside the GIC's (from the deactivation listener) and
 * released before a resampler runs.
 */
public final class GicIrqChip implements IrqChip {
    private final IrqForwarding gic;
    private final int spiCount;
    private final Map<Integer, Runnable> resamplers = new HashMap<>();
    private volatile boolean closed;

    /** The lines of {@code gic}'s first {@code spiCount} SPIs. */
    public GicIrqChip(IrqForwarding gic, int spiCount) {
        this.gic = gic;
        this.spiCount = spiCount;
        gic.setDeactivationListener(this::deactivated);
    }

    @Override
    public void irqLine(int intid, boolean level) {
        checkOpen();
        checkSpi(intid);
        gic.setLevel(intid, level);
    }

    @Override
    public void setResampler(int intid, Runnable resampler) {
        checkOpen();
        checkSpi(intid);
        synchronized (resamplers) {
            if (resampler == null) {
                resamplers.remove(intid);
            } else {
                resamplers.put(intid, resampler);
            }
        }
    }

    @Override
    public IrqForwarding forwardingFor(int intid) {
        checkOpen();
        checkSpi(intid);
        return gic;
    }

    @Override
    public void checkOpen() {
        if (closed) {
            throw new KvmException(EBADF, "the VM is closed");
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    /** Drops the resamplers and stops listening to the GIC; later calls fail with EBADF. */
    public void close() {
        closed = true;
        gic.setDeactivationListener(null);
        synchronized (resamplers) {
            resamplers.clear();
        }
    }

    private void checkSpi(int intid) {
        if (intid < 32 || intid >= 32 + spiCount) {
            throw new KvmException(EINVAL, "INTID " + intid + " is not an SPI of the vGIC (32.." + (31 + spiCount)
                    + ")");
        }
    }

    private void deactivated(int cpu, int intid) {
        Runnable run;
        synchronized (resamplers) {
            run = resamplers.get(intid);
        }
        if (run != null) {
            run.run();
        }
    }
}
