package dev.armature.machine;

import dev.armature.devices.gic.GicV2Virtualization;
import dev.armature.devices.pci.PciHost;
import dev.armature.host.HostTimer;
import dev.armature.machine.fdt.FdtNode;
import dev.armature.vm.Vcpu;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

import static dev.armature.machine.VirtMemoryMap.*;

/**
 * The device tree of a {@code virt} board, with QEMU 7.2's node names and properties for the parts Armature
 * models: memory, CPUs, PSCI, the generic timer, the PL011 and PL031 and their clock, the 32 virtio-mmio slots,
 * the platform bus, the PCIe host, /chosen. The platform bus holds the DMA test engine when the board has one (QEMU
 * has no such device) and the assigned host devices ({@code -device vfio-platform}; Armature's modelled host has
 * only host timers, so every assigned device is one).
 *
 * <p>Nodes for hardware Armature does not model (flash, PL061, fw-cfg, PMU, the GICv2m MSI frame and the GICv3
 * ITS) are left out rather than described falsely; so is the PCIe node's {@code msi-map}, which points at them.
 */
public final class VirtDeviceTree {
    private static final int PHANDLE_CLOCK = 0x8000;
    private static final int PHANDLE_FIRST_CPU = 0x8001;
    private static final int GIC_SPI = 0;
    private static final int GIC_PPI = 1;
    private static final int IRQ_EDGE_RISING = 1;
    private static final int IRQ_LEVEL_HIGH = 4;
    /** The space code of a PCI address's first cell (bits 25:24): I/O, 32-bit memory, 64-bit memory. */
    private static final int PCI_SPACE_IO = 0x0100_0000;
    private static final int PCI_SPACE_MEM32 = 0x0200_0000;
    private static final int PCI_SPACE_MEM64 = 0x0300_0000;

    /** What /chosen carries for a boot. */
    public record Chosen(String bootargs, long initrdStart, long initrdEnd) {
        public static final Chosen NONE = new Chosen(null, 0, 0);

        public boolean hasInitrd() {
            return initrdEnd > initrdStart;
        }
    }

    private VirtDeviceTree() {
    }

    public static FdtNode build(VirtConfig cfg, GicDeviceTree gic, String psciMethod, Chosen chosen,
                                RandomGenerator seeds) {
        int intcPhandle = PHANDLE_FIRST_CPU + cfg.smp();
        FdtNode root = new FdtNode("");
        root.setCells("interrupt-parent", intcPhandle);
        root.setStrings("compatible", "linux,dummy-virt");
        root.setStrings("model", "linux,dummy-virt");
        root.setCells("#address-cells", 2);
        root.setCells("#size-cells", 2);

        root.addChild("psci")
                .setStrings("compatible", "arm,psci-1.0", "arm,psci-0.2", "arm,psci")
                .setStrings("method", psciMethod)
                .setCells("cpu_suspend", 0xc400_0001)
                .setCells("cpu_off", 0x8400_0002)
                .setCells("cpu_on", 0xc400_0003)
                .setCells("migrate", 0xc400_0005);

        root.addChild(String.format("memory@%x", RAM_BASE))
                .setStrings("device_type", "memory")
                .setU64("reg", RAM_BASE, cfg.ramSize());

        addCpus(root, cfg);
        addIntc(root, gic, intcPhandle, cfg.virtualization() && cfg.gicVersion() == 2);

        int cpuMask = gic.ppiCpuMask();
        int[] timer = new int[TIMER_PPIS.length * 3];
        for (int i = 0; i < TIMER_PPIS.length; i++) {
            timer[i * 3] = GIC_PPI;
            timer[i * 3 + 1] = TIMER_PPIS[i];
            timer[i * 3 + 2] = cpuMask | IRQ_LEVEL_HIGH;
        }
        root.addChild("timer")
                .setStrings("compatible", "arm,armv8-timer", "arm,armv7-timer")
                .setEmpty("always-on")
                .setCells("interrupts", timer);

        root.addChild("apb-pclk")
                .setStrings("compatible", "fixed-clock")
                .setCells("#clock-cells", 0)
                .setCells("clock-frequency", 24_000_000)
                .setStrings("clock-output-names", "clk24mhz")
                .setCells("phandle", PHANDLE_CLOCK);

        String uart = String.format("pl011@%x", UART_BASE);
        root.addChild(uart)
                .setStrings("compatible", "arm,pl011", "arm,primecell")
                .setU64("reg", UART_BASE, UART_SIZE)
                .setCells("interrupts", GIC_SPI, UART_SPI, IRQ_LEVEL_HIGH)
                .setCells("clocks", PHANDLE_CLOCK, PHANDLE_CLOCK)
                .setStrings("clock-names", "uartclk", "apb_pclk");

        root.addChild(String.format("pl031@%x", RTC_BASE))
                .setStrings("compatible", "arm,pl031", "arm,primecell")
                .setU64("reg", RTC_BASE, RTC_SIZE)
                .setCells("interrupts", GIC_SPI, RTC_SPI, IRQ_LEVEL_HIGH)
                .setCells("clocks", PHANDLE_CLOCK)
                .setStrings("clock-names", "apb_pclk");

        for (int slot = 0; slot < VIRTIO_COUNT; slot++) {
            root.addChild(String.format("virtio_mmio@%x", virtioBase(slot)))
                    .setStrings("compatible", "virtio,mmio")
                    .setU64("reg", virtioBase(slot), VIRTIO_STRIDE)
                    .setCells("interrupts", GIC_SPI, VIRTIO_SPI + slot, IRQ_EDGE_RISING)
                    .setEmpty("dma-coherent");
        }

        addPlatformBus(root, cfg, intcPhandle);
        addPcie(root, intcPhandle);

        FdtNode ch = root.addChild("chosen");
        ch.setStrings("stdout-path", "/" + uart);
        applyChosen(ch, chosen);
        byte[] rng = new byte[32];
        seeds.nextBytes(rng);
        ch.set("rng-seed", rng);
        ch.setU64("kaslr-seed", seeds.nextLong());
        return root;
    }

    /** Sets bootargs and the initrd range in a /chosen node (ours, or one from a {@code -dtb} blob). */
    public static void applyChosen(FdtNode chosenNode, Chosen chosen) {
        if (chosen.bootargs() != null) {
            chosenNode.setStrings("bootargs", chosen.bootargs());
        }
        if (chosen.hasInitrd()) {
            setAddress(chosenNode, "linux,initrd-start", chosen.initrdStart());
            setAddress(chosenNode, "linux,initrd-end", chosen.initrdEnd());
        }
    }

    /** One cell when the value fits, as QEMU writes these; two otherwise (Linux reads either). */
    private static void setAddress(FdtNode node, String name, long value) {
        if (value >>> 32 == 0) {
            node.setCells(name, (int) value);
        } else {
            node.setU64(name, value);
        }
    }

    /**
     * {@code /platform-bus@c000000}, as QEMU writes it (a {@code simple-bus} whose children have 32-bit addresses
     * from the bus base), with its devices placed by {@link PlatformBus}: the DMA engine first ({@code dma@0},
     * level-high SPI), then each assigned host device ({@code timer@OFFSET}: its registers and the VMM control
     * page as two {@code reg} entries, named, a level-high SPI). Behind the SMMU, the fixed translation of the
     * engine's device addresses is the bus's {@code dma-ranges}: (device address, physical address, length).
     */
    private static void addPlatformBus(FdtNode root, VirtConfig cfg, int intcPhandle) {
        FdtNode bus = root.addChild(String.format("platform-bus@%x", PLATFORM_BUS_BASE))
                .setCells("interrupt-parent", intcPhandle)
                .setCells("ranges", 0, 0, (int) PLATFORM_BUS_BASE, (int) PLATFORM_BUS_SIZE)
                .setCells("#address-cells", 1)
                .setCells("#size-cells", 1)
                .setStrings("compatible", "qemu,platform", "simple-bus");
        PlatformBus layout = PlatformBus.layout(cfg);
        PlatformBus.Slot dma = layout.dma();
        if (dma != null) {
            if (cfg.dma() == VirtConfig.Dma.IOMMU) {
                PlatformDma.Window w = PlatformDma.window(cfg);
                bus.setCells("dma-ranges", (int) w.deviceBase(), (int) (w.physicalBase() >>> 32),
                        (int) w.physicalBase(), (int) w.length());
            }
            bus.addChild(String.format("dma@%x", dma.offset()))
                    .setStrings("compatible", "armature,dma-engine")
                    .setCells("reg", (int) dma.offset(), (int) PlatformDma.REG_SIZE)
                    .setCells("interrupts", GIC_SPI, dma.spi(), IRQ_LEVEL_HIGH)
                    .setEmpty("dma-coherent");
        }
        for (int i = 0; i < cfg.vfio().size(); i++) {
            PlatformBus.Slot slot = layout.vfio(i);
            int regs = (int) slot.offset();
            int vmm = (int) (slot.offset() + PlatformVfio.CONTROL_OFFSET);
            int page = (int) PlatformVfio.CONTROL_OFFSET;
            bus.addChild(String.format("timer@%x", slot.offset()))
                    .setStrings("compatible", HostTimer.COMPATIBLE)
                    .setCells("reg", regs, page, vmm, page)
                    .setStrings("reg-names", "regs", "vmm")
                    .setCells("interrupts", GIC_SPI, slot.spi(), IRQ_LEVEL_HIGH)
                    .setStrings("armature,host-device", cfg.vfio().get(i).host())
                    .setEmpty("dma-coherent");
        }
    }

    /**
     * {@code /pcie@10000000}: the generic ECAM host as QEMU writes it: ECAM {@code reg}, bus-range 0-255, the I/O,
     * 32-bit and 64-bit memory windows in {@code ranges} (PCI address, CPU address, size), and the INTx
     * {@code interrupt-map}: pin P (1-4) of slot S goes to SPI 3 + (S + P - 1) mod 4, level-high, for slots 0-3;
     * the mask (device bits 12:11, pin) repeats that pattern for every slot.
     */
    private static void addPcie(FdtNode root, int intcPhandle) {
        int[] map = new int[4 * 4 * 10];
        int i = 0;
        for (int slot = 0; slot < 4; slot++) {
            for (int pin = 1; pin <= 4; pin++) {
                int[] entry = {slot << 11, 0, 0, pin, intcPhandle, 0, 0, GIC_SPI,
                    PCIE_SPI + (slot + pin - 1) % 4, IRQ_LEVEL_HIGH};
                System.arraycopy(entry, 0, map, i, entry.length);
                i += entry.length;
            }
        }
        root.addChild(String.format("pcie@%x", PCIE_MMIO_BASE))
                .setCells("interrupt-map-mask", 0x1800, 0, 0, 7)
                .setCells("interrupt-map", map)
                .setCells("#interrupt-cells", 1)
                .setCells("ranges",
                        PCI_SPACE_IO, 0, 0, hi(PCIE_PIO_BASE), lo(PCIE_PIO_BASE), 0, (int) PciHost.IO_SIZE,
                        PCI_SPACE_MEM32, hi(PCIE_MMIO_BASE), lo(PCIE_MMIO_BASE), hi(PCIE_MMIO_BASE),
                        lo(PCIE_MMIO_BASE), hi(PCIE_MMIO_SIZE), lo(PCIE_MMIO_SIZE),
                        PCI_SPACE_MEM64, hi(PCIE_HIGH_MMIO_BASE), lo(PCIE_HIGH_MMIO_BASE), hi(PCIE_HIGH_MMIO_BASE),
                        lo(PCIE_HIGH_MMIO_BASE), hi(PCIE_HIGH_MMIO_SIZE), lo(PCIE_HIGH_MMIO_SIZE))
                .setU64("reg", PCIE_ECAM_BASE, PciHost.ECAM_SIZE)
                .setEmpty("dma-coherent")
                .setCells("bus-range", 0, 0xff)
                .setCells("linux,pci-domain", 0)
                .setCells("#size-cells", 2)
                .setCells("#address-cells", 3)
                .setStrings("device_type", "pci")
                .setStrings("compatible", "pci-host-ecam-generic");
    }

    private static int hi(long v) {
        return (int) (v >>> 32);
    }

    private static int lo(long v) {
        return (int) v;
    }

    /**
     * {@code /intc@8000000}: the GIC's registers; its MSI children (v2m, ITS) are not modelled. With the GICv2
     * virtualization extensions, QEMU adds GICH and GICV to {@code reg} and the maintenance PPI as
     * {@code interrupts} (level-high, without a CPU mask).
     */
    private static void addIntc(FdtNode root, GicDeviceTree dt, int phandle, boolean gicV2Virtualization) {
        List<Long> regs = new ArrayList<>(dt.reg());
        if (gicV2Virtualization) {
            regs.addAll(List.of(GicV2Virtualization.GICH_BASE, VirtGic.V2_DT_FRAME_SIZE, GicV2Virtualization.GICV_BASE,
                    VirtGic.V2_DT_FRAME_SIZE));
        }
        long[] reg = new long[regs.size()];
        for (int i = 0; i < reg.length; i++) {
            reg[i] = regs.get(i);
        }
        FdtNode intc = root.addChild(String.format("intc@%x", reg[0]))
                .setStrings("compatible", dt.compatible())
                .setCells("#interrupt-cells", dt.interruptCells())
                .setEmpty("interrupt-controller")
                .setCells("#address-cells", 2)
                .setCells("#size-cells", 2)
                .setEmpty("ranges")
                .setU64("reg", reg);
        if (gicV2Virtualization) {
            intc.setCells("interrupts", GIC_PPI, GicV2Virtualization.MAINTENANCE_PPI, IRQ_LEVEL_HIGH);
        }
        if (dt.redistributorRegions() > 0) {
            intc.setCells("#redistributor-regions", dt.redistributorRegions());
        }
        intc.setCells("phandle", phandle);
    }

    private static void addCpus(FdtNode root, VirtConfig cfg) {
        FdtNode cpus = root.addChild("cpus");
        cpus.setCells("#address-cells", 1);
        cpus.setCells("#size-cells", 0);
        FdtNode cluster = cpus.addChild("cpu-map").addChild("socket0").addChild("cluster0");
        for (int i = 0; i < cfg.smp(); i++) {
            cluster.addChild("core" + i).setCells("cpu", PHANDLE_FIRST_CPU + i);
        }
        for (int i = 0; i < cfg.smp(); i++) {
            FdtNode cpu = cpus.addChild("cpu@" + i); // QEMU numbers the nodes in decimal
            cpu.setStrings("device_type", "cpu");
            // QEMU 7.2 names both cortex-a57 and max "arm,cortex-a57" in the tree.
            cpu.setStrings("compatible", "arm,cortex-a57");
            if (cfg.smp() > 1) {
                cpu.setStrings("enable-method", "psci"); // QEMU omits it for a single CPU
            }
            cpu.setCells("reg", (int) Vcpu.defaultAffinity(i)); // MPIDR affinity: Aff1 counts clusters of 16
            cpu.setCells("phandle", PHANDLE_FIRST_CPU + i);
        }
    }
}
