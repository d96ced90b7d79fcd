package dev.armature.vfio;

import static dev.armature.vm.Errno.EBUSY;
import static dev.armature.vm.Errno.EINVAL;

import dev.armature.host.HostDevice;
import dev.armature.host.HostInterruptController;
import dev.armature.vm.KvmException;
import dev.armature.vm.VfioExternalDevice;

import java.util.HashMap;
import java.util.Map;

/**
 * An open VFIO platform device: its registers, and its IRQs by index (one per interrupt output; subindex is
 * always 0). Userspace signalling ({@link #setSignal}) installs VFIO's handler for level interrupts: it masks
 * the host line, deactivates it and signals userspace; the line stays masked until {@link #unmask}.
 */
public final class VfioPlatformDevice implements VfioExternalDevice {
    private final HostDevice device;
    private final Map<Integer, IrqEventFd> signals = new HashMap<>();

    VfioPlatformDevice(HostDevice device) {
        this.device = device;
        device.get();
    }

    public HostDevice hostDevice() {
        return device;
    }

    public int readRegister(int offset) {
        return device.readRegister(offset);
    }

    public void writeRegister(int offset, int value) {
        device.writeRegister(offset, value);
    }

    @Override
    public HostInterruptController.Line hostInterrupt(int index, int subindex) {
        if (index < 0 || index >= device.irqs().size() || subindex != 0) {
            throw new KvmException(EINVAL, device.name() + " has no IRQ " + index + "." + subindex);
        }
        return device.irqs().get(index);
    }

    @Override
    public synchronized boolean isSignalling(int index, int subindex) {
        hostInterrupt(index, subindex);
        return signals.containsKey(index);
    }

    /**
     * VFIO_DEVICE_SET_IRQS (ACTION_TRIGGER with an eventfd): {@code eventFd} is signalled for each host
     * interrupt, and hung up when signalling ends. EBUSY if the IRQ is already signalled or its host interrupt
     * has another handler (it is forwarded).
     */
    public synchronized void setSignal(int index, int subindex, IrqEventFd eventFd) {
        HostInterruptController.Line line = hostInterrupt(index, subindex);
        if (signals.containsKey(index) || line.hasHandler()) {
            throw new KvmException(EBUSY, device.name() + " IRQ " + index + " is already signalled or forwarded");
        }
        signals.put(index, eventFd);
        line.setHandler(() -> {
            line.mask();
            line.deactivate();
            eventFd.signal();
        });
    }

    /**
     * VFIO_DEVICE_SET_IRQS with count 0: tears down signalling, unmasks the line and hangs up the eventfd, so
     * its consumer lowers what it raised. Nothing happens if the IRQ is not signalled.
     */
    public void clearSignal(int index, int subindex) {
        HostInterruptController.Line line = hostInterrupt(index, subindex);
        IrqEventFd eventFd;
        synchronized (this) {
            eventFd = signals.remove(index);
            if (eventFd == null) {
                return;
            }
            line.setHandler(null);
            line.unmask();
        }
        // Outside this lock: the consumer calls into the VM, whose lock may be held by a caller of isSignalling.
        eventFd.hangup();
    }

    /** VFIO_DEVICE_SET_IRQS (ACTION_UNMASK): the user has handled the interrupt. */
    public void unmask(int index, int subindex) {
        hostInterrupt(index, subindex).unmask();
    }

    @Override
    public void get() {
        device.get();
    }

    @Override
    public void put() {
        device.put();
    }

    /** The file is closed: signalling goes (each eventfd hung up), the open reference is dropped. */
    void release() {
        Integer[] signalled;
        synchronized (this) {
            signalled = signals.keySet().toArray(new Integer[0]);
        }
        for (int index : signalled) {
            clearSignal(index, 0);
        }
        device.put();
    }
}
