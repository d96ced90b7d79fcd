package dev.armature.machine;

/** Addresses and interrupt numbers of QEMU 7.2's {@code virt} board that Armature models. */
public final class VirtMemoryMap {
    public static final long RAM_BASE = 0x4000_0000L;
    public static final long UART_BASE = 0x0900_0000L;
    public static final long UART_SIZE = 0x1000;
    public static final int UART_SPI = 1;
    public static final long RTC_BASE = 0x0901_0000L;
    public static final long RTC_SIZE = 0x1000;
    public static final int RTC_SPI = 2;
    public static final long VIRTIO_BASE = 0x0a00_0000L;
    public static final long VIRTIO_STRIDE = 0x200;
    public static final int VIRTIO_COUNT = 32;
    public static final int VIRTIO_SPI = 16;
    /** The platform bus: the window for dynamically added devices ({@code -device armature-dma}). */
    public static final long PLATFORM_BUS_BASE = 0x0c00_0000L;
    public static final long PLATFORM_BUS_SIZE = 0x0200_0000L;
    /** The platform bus's first SPI (QEMU gives it SPIs 112..175). */
    public static final int PLATFORM_BUS_SPI = 112;

    /** The generic PCIe host: ECAM for buses 0-255 (QEMU's high ECAM, used whenever highmem is on). */
    public static final long PCIE_ECAM_BASE = 0x40_1000_0000L;
    /** The 32-bit PCI memory window: CPU addresses equal PCI addresses. */
    public static final long PCIE_MMIO_BASE = 0x1000_0000L;
    public static final long PCIE_MMIO_SIZE = 0x2eff_0000L;
    /** The PCI I/O window: PCI I/O addresses 0-0xffff. */
    public static final long PCIE_PIO_BASE = 0x3eff_0000L;
    /** The 64-bit PCI memory window (512 GiB at 512 GiB), CPU addresses equal PCI addresses. */
    public static final long PCIE_HIGH_MMIO_BASE = 0x80_0000_0000L;
    public static final long PCIE_HIGH_MMIO_SIZE = 0x80_0000_0000L;
    /** INTA-D of slot 0 go to SPIs 3-6; other slots are swizzled onto them. */
    public static final int PCIE_SPI = 3;

    /** Generic timer PPIs (secure physical, non-secure physical, virtual, hypervisor), as PPI numbers. */
    public static final int[] TIMER_PPIS = {13, 14, 11, 10};

    /** QEMU's {@code -m} default. */
    public static final long DEFAULT_RAM_SIZE = 128L << 20;
    /** RAM must end below the PCIe ECAM at 0x40_1000_0000 (QEMU's limit is 255 GiB). */
    public static final long MAX_RAM_SIZE = 255L << 30;

    private VirtMemoryMap() {
    }

    public static long virtioBase(int slot) {
        return VIRTIO_BASE + slot * VIRTIO_STRIDE;
    }
}
