package dev.armature.host;

import dev.armature.iommu.DeviceMemory;

import java.util.List;

/**
 * A device of the host platform, outside any VM: 32-bit MMIO registers, interrupt outputs wired to host
 * interrupt lines, a DMA port (the memory its transfers reach, through the VCM whoever owns the device
 * connects), and a reference count held by whoever uses it (an open VFIO file, a forwarded interrupt).
 */
public abstract class HostDevice {
    private final String name;
    private final List<HostInterruptController.Line> irqs;
    private int references;
    private volatile DeviceMemory dma;

    protected HostDevice(String name, List<HostInterruptController.Line> irqs) {
        this.name = name;
        this.irqs = List.copyOf(irqs);
    }

    public String name() {
        return name;
    }

    /** The device's interrupt outputs, by index (VFIO's IRQ index on a platform device). */
    public List<HostInterruptController.Line> irqs() {
        return irqs;
    }

    /** Size of the register window in bytes. */
    public abstract int mmioSize();

    public abstract int readRegister(int offset);

    public abstract void writeRegister(int offset, int value);

    /** Puts the device back in its reset state (VFIO_DEVICE_RESET), lowering its interrupt outputs. */
    public abstract void reset();

    /** Connects the device's DMA port to {@code memory} (its VCM's view); null disconnects it. */
    public void connectDma(DeviceMemory memory) {
        dma = memory;
    }

    /** What the device's DMA reaches, or null while unconnected. */
    protected DeviceMemory dma() {
        return dma;
    }

    /** Takes a reference. */
    public synchronized void get() {
        references++;
    }

    /** Drops a reference; dropping one that was never taken is a host bug. */
    public synchronized void put() {
        if (references == 0) {
            throw new IllegalStateException(name + ": reference dropped that was never taken");
        }
        references--;
    }

    public synchronized int references() {
        return references;
    }

    @Override
    public String toString() {
        return name;
    }
}
