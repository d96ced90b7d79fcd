package dev.armature.devices.pci;

import dev.armature.memory.MmioHandler;

import java.util.List;

/** Function 00:00.0 of QEMU's generic PCIe host ("gpex-root"): Red Hat's host bridge [1b36:0008], no BARs. */
public final class PciHostBridge extends PciFunction {
    public static final int VENDOR = 0x1b36;
    public static final int DEVICE = 0x0008;
    /** Bridge, host bridge. */
    public static final int CLASS = 0x06_00_00;

    public PciHostBridge() {
        super(VENDOR, DEVICE, CLASS, 0, List.of());
    }

    @Override
    protected MmioHandler barRegisters(int n) {
        throw new IndexOutOfBoundsException("the host bridge has no BARs");
    }
}
