package dev.armature.machine;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.ExceptionHook;
import dev.armature.arch.aarch64.SystemCounter;
import dev.armature.arch.aarch64.TlbShootdown;
import dev.armature.devices.gic.GicV2;
import dev.armature.devices.gic.GicV2Virtualization;
import dev.armature.devices.gic.InterruptController;
import dev.armature.devices.pl011.Pl011;
import dev.armature.devices.pci.PciFunction;
import dev.armature.devices.pci.PciHost;
import dev.armature.devices.pci.PciHostBridge;
import dev.armature.devices.pci.PciTestDev;
import dev.armature.devices.pl031.Pl031;
import dev.armature.devices.psci.Psci;
import dev.armature.devices.block.BlockImage;
import dev.armature.devices.block.BlockImageException;
import dev.armature.devices.virtio.TestDev;
import dev.armature.devices.virtio.VirtioBlock;
import dev.armature.devices.virtio.VirtioConsole;
import dev.armature.devices.virtio.VirtioDevice;
import dev.armature.devices.virtio.VirtioMmio;
import dev.armature.devices.virtio.VirtioRng;
import dev.armature.host.HostPlatform;
import dev.armature.loader.KernelImage;
import dev.armature.machine.fdt.Fdt;
import dev.armature.machine.fdt.FdtException;
import dev.armature.machine.fdt.FdtNode;
import dev.armature.memory.PhysicalMemory;
import dev.armature.migration.BoardConfig;
import dev.armature.migration.SectionId;
import dev.armature.migration.Snapshottable;
import dev.armature.vm.CpuWiring;
import dev.armature.vm.GicModels;
import dev.armature.vm.KvmException;
import dev.armature.vm.Vcpu;
import dev.armature.vm.VcpuFeature;
import dev.armature.vm.Vm;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import static dev.armature.machine.VirtMemoryMap.*;

/**
 * Assembles a QEMU-compatible {@code virt} board as a VMM does with KVM, through the VM API ({@link Vm}): the
 * VM, its RAM as memory slot 0, its vCPUs (the boot vCPU runnable, the others powered off until PSCI CPU_ON),
 * the vGIC (v2 or v3, see {@link VirtGic}); then the board's own devices in the VM's address space: PL011,
 * PL031, the 32 virtio-mmio slots (devices in the highest slots first, as QEMU assigns them), the generic PCIe
 * host (with {@code pci-testdev} in slot 1 if asked for), the DMA test engine on the platform bus if asked for, assigned host devices ({@code -device vfio-platform}) after it,
 * PSCI firmware, the device tree and the boot images, and the {@link Machine} whose threads run the vCPUs.
 */
public final class VirtBoard implements AutoCloseable {
    /** What to boot. {@code dtb} is a user-supplied blob ({@code -dtb}) or null to generate one. */
    public record Boot(KernelImage kernel, byte[] initrd, String bootargs, byte[] dtb) {
    }

    /** QEMU 7.2 makes its generated blob 1 MiB; the size decides where an ELF kernel's DTB fits. */
    public static final int DTB_SIZE = 1 << 20;

    private final VirtConfig config;
    private final Vm vm;
    private final PhysicalMemory mem;
    private final InterruptController gic;
    /** GICH/GICV with {@code virtualization=on} and GICv2, else null. */
    private final GicV2Virtualization gicVirt;
    private final TlbShootdown shootdown = new TlbShootdown();
    /** The VM's system counter: every vCPU's timers read it, so their counts agree and a snapshot can set it. */
    private final SystemCounter counter = new SystemCounter();
    private final Pl011 uart;
    private final Pl031 rtc;
    private final PciHost pci;
    /** The virtio transports that hold a device (empty slots have no state to reset). */
    private final List<VirtioMmio> transports = new ArrayList<>();
    /** The disk images behind virtio-blk devices, closed with the board. */
    private final List<BlockImage> images = new ArrayList<>();
    /** {@code -device armature-dma}, or null. */
    private final PlatformDma dma;
    /** The assigned host devices ({@code -device vfio-platform}), or null without any. */
    private final PlatformVfio vfio;
    private final Machine machine;
    /** The PSCI firmware (needs the machine, which needs the vCPUs): every vCPU's exceptions go to it. */
    private ExceptionHook firmware;
    private final ExceptionHook firmwareHook = (cpu, e) -> firmware.handle(cpu, e);
    private final BootPlan plan;
    private byte[] dtbBlob;

    /**
     * @param serial where the PL011's output goes, or null to discard it
     * @throws BootException if the images cannot be placed or the given DTB is malformed
     */
    public VirtBoard(VirtConfig config, Boot boot, OutputStream serial, boolean noReboot, DebugLog log)
            throws BootException {
        this(config, boot, serial, noReboot, log, HostPlatform::standard);
    }

    /**
     * The board on {@code vm}, a VM the embedder built (for example {@code Vm.builder().accel("interp")
     * .cpuModel(config.effectiveCpuModel()).build()}) and may already have put hooks on: the board adds its RAM,
     * vCPUs, vGIC and devices to it and from then on owns it ({@link #close} closes it). The VM must be fresh — no
     * vCPUs, devices or memory — with the board's CPU model and an IPA space of at least 40 bits (the high PCIe
     * window ends at 1 TiB); its accelerator is the board's unless {@code board.machine().useAccelerator} changes
     * it before the first run.
     *
     * @throws BootException if the VM does not fit the board (it is then left as it was), or as the other
     * constructor (the VM is then closed with the half-built board)
     */
    public VirtBoard(Vm vm, VirtConfig config, Boot boot, OutputStream serial, boolean noReboot, DebugLog log)
            throws BootException {
        this(checkFresh(vm, config), config, boot, serial, noReboot, log, HostPlatform::standard);
    }

    /** As the public constructor, assigning devices from the host {@code host} builds (tests drive its time). */
    VirtBoard(VirtConfig config, Boot boot, OutputStream serial, boolean noReboot, DebugLog log,
              Supplier<HostPlatform> host) throws BootException {
        this(Vm.create(Vm.DEFAULT_IPA_BITS, config.effectiveCpuModel(), GicModels.INSTANCE, CpuWiring.NONE), config,
                boot, serial, noReboot, log, host);
    }

    private VirtBoard(Vm vm, VirtConfig config, Boot boot, OutputStream serial, boolean noReboot, DebugLog log,
              Supplier<HostPlatform> host) throws BootException {
        this.config = config;
        this.vm = vm;
        vm.setCpuWiring(this::attachCpu);
        mem = vm.memory();
        mem.dirtyLog().setFlusher(shootdown::invalidateAll);
        try {
            vm.setUserMemoryRegion(0, RAM_BASE, config.ramSize());
            Set<VcpuFeature> features = EnumSet.of(VcpuFeature.PSCI_0_2);
            if (config.virtualization()) {
                features.add(VcpuFeature.HAS_EL2);
            }
            for (int i = 0; i < config.smp(); i++) {
                Vcpu vcpu = vm.createVcpu(i);
                Set<VcpuFeature> f = EnumSet.copyOf(features);
                if (i > 0) {
                    f.add(VcpuFeature.POWER_OFF);
                }
                vcpu.init(f);
            }
            gic = VirtGic.create(vm, config.gicVersion());
        } catch (KvmException e) {
            vm.close();
            throw new BootException("cannot build the VM: " + e.getMessage());
        }
        // The GICv2 virtualization extensions are board hardware beside the vGIC (KVM exposes no GICH/GICV to
        // userspace): mapped here, connected to each vCPU's Cpu now and at every reset (attachCpu).
        gicVirt = config.virtualization() && gic instanceof GicV2 v2 ? new GicV2Virtualization(v2) : null;
        if (gicVirt != null) {
            gicVirt.mmioWindows().forEach(w -> mem.addMmio(w.name(), w.base(), w.size(), w.handler()));
            vm.vcpus().forEach(v -> gicVirt.connect(v.index(), v.cpu()));
        }
        uart = new Pl011(serial, gic.spiLine(UART_SPI));
        mem.addMmio("pl011", UART_BASE, UART_SIZE, uart);
        rtc = new Pl031(gic.spiLine(RTC_SPI));
        mem.addMmio("pl031", RTC_BASE, RTC_SIZE, rtc);
        pci = pciHost(config);
        mem.addMmio("pcie-ecam", PCIE_ECAM_BASE, PciHost.ECAM_SIZE, pci.ecam());
        mem.addMmio("pcie-mmio", PCIE_MMIO_BASE, PCIE_MMIO_SIZE, pci.memoryWindow(PCIE_MMIO_BASE));
        mem.addMmio("pcie-pio", PCIE_PIO_BASE, PciHost.IO_SIZE, pci.ioWindow());
        mem.addMmio("pcie-mmio-high", PCIE_HIGH_MMIO_BASE, PCIE_HIGH_MMIO_SIZE,
                pci.memoryWindow(PCIE_HIGH_MMIO_BASE));

        machine = new Machine(vm, this::reload, noReboot, log);
        Psci psci = new Psci(conduit(config), machine);
        firmware = log.on(DebugLog.Item.INT) ? logging(psci, log) : psci;

        List<VirtioDevice> devices = new ArrayList<>();
        List<Machine.DeviceSection> states = new ArrayList<>();
        states.add(new Machine.DeviceSection(SectionId.COUNTER, 0, counterState()));
        states.add(new Machine.DeviceSection(SectionId.GIC, 0, gic));
        states.add(new Machine.DeviceSection(SectionId.PL011, 0, uart));
        states.add(new Machine.DeviceSection(SectionId.PL031, 0, rtc));
        TestDev testDev = null;
        switch (config.virtioSerial()) {
            case TESTDEV -> {
                testDev = new TestDev(machine::exit);
                devices.add(new VirtioConsole(mem, testDev::write));
            }
            case UNCONNECTED -> devices.add(new VirtioConsole(mem, data -> { }));
            case NONE -> { }
        }
        try {
            for (VirtConfig.VirtioDeviceConfig d : config.virtioDevices()) {
                devices.add(virtioDevice(d));
            }
        } catch (BlockImageException e) {
            close();
            throw new BootException("-drive " + e.getMessage());
        }
        for (int slot = 0; slot < VIRTIO_COUNT; slot++) {
            int fromTop = VIRTIO_COUNT - 1 - slot;
            VirtioDevice d = fromTop < devices.size() ? devices.get(fromTop) : null;
            VirtioMmio transport = new VirtioMmio(mem, config.virtioMmioVersion(), d, gic.spiLine(VIRTIO_SPI + slot));
            mem.addMmio("virtio-mmio." + slot, virtioBase(slot), VIRTIO_STRIDE, transport);
            if (d != null) {
                transports.add(transport);
                states.add(new Machine.DeviceSection(SectionId.VIRTIO_MMIO, slot, transport));
            }
        }
        if (testDev != null) {
            states.add(new Machine.DeviceSection(SectionId.TESTDEV, 0, testDev));
        }
        PlatformBus bus = PlatformBus.layout(config);
        if (bus.dma() != null) {
            dma = new PlatformDma(config, mem, gic.spiLine(bus.dma().spi()));
            mem.addMmio("armature-dma", bus.dma().base(), PlatformDma.REG_SIZE, dma.engine());
            states.add(new Machine.DeviceSection(SectionId.DMA, 0, dma.engine()));
        } else {
            dma = null;
        }
        if (!config.vfio().isEmpty()) {
            try {
                vfio = new PlatformVfio(config, bus, vm, mem, host.get());
            } catch (IllegalArgumentException e) {
                close();
                throw new BootException(e.getMessage());
            }
        } else {
            vfio = null;
        }
        List<Machine.DeviceSection> deviceStates = List.copyOf(states);
        machine.setSnapshotParts(new Machine.SnapshotParts() {
            @Override
            public BoardConfig config() {
                return snapshotConfig(config);
            }

            @Override
            public List<Machine.DeviceSection> devices() {
                return deviceStates;
            }

            @Override
            public String blocker() {
                if (!config.vfio().isEmpty()) {
                    return "-device vfio-platform: an assigned host device's state lives on the host, outside the "
                            + "snapshot: snapshots are blocked";
                }
                // Not yet in the stream format: refusing beats restoring a guest whose devices forgot their state.
                if (config.pciTestdev()) {
                    return "-device pci-testdev: PCI configuration space is not saved yet: snapshots are blocked";
                }
                if (gicVirt != null) {
                    return "virtualization=on with GICv2: the GICH/GICV list registers are not saved yet: "
                            + "snapshots are blocked";
                }
                return null;
            }
        });

        try {
            plan = BootPlan.plan(boot.kernel(), boot.initrd(), boot.bootargs(), RAM_BASE, config.ramSize(),
                    chosen -> dtbBlob = deviceTree(boot.dtb(), chosen));
        } catch (FdtException e) {
            close();
            throw new BootException("-dtb: malformed device tree blob: " + e.getMessage());
        } catch (BootException e) {
            close();
            throw e;
        }
    }

    /** {@code vm} if the board can be built on it, else a BootException naming what does not fit. */
    private static Vm checkFresh(Vm vm, VirtConfig config) throws BootException {
        if (vm == null) {
            throw new BootException("no VM to build the board on");
        }
        try {
            vm.checkOpen();
            if (!vm.vcpus().isEmpty() || !vm.devices().isEmpty() || !vm.memory().regions().isEmpty()) {
                throw new BootException("the board needs a fresh VM: this one already has vCPUs, devices or memory");
            }
        } catch (KvmException e) {
            throw new BootException("cannot build the board on the VM: " + e.getMessage());
        }
        if (!vm.cpuModel().equals(config.effectiveCpuModel())) {
            throw new BootException("the VM's CPU model " + vm.cpuModel().name() + " is not the board's "
                    + config.effectiveCpuModel().name() + " (build it with cpuModel(config.effectiveCpuModel()))");
        }
        if (vm.maxIpaBits() < Vm.DEFAULT_IPA_BITS) {
            throw new BootException("the VM's " + vm.maxIpaBits() + "-bit IPA space is smaller than the board's "
                    + Vm.DEFAULT_IPA_BITS + " bits");
        }
        return vm;
    }

    /** The board's configuration. */
    public VirtConfig config() {
        return config;
    }

    /**
     * The VM the board is built on, for embedders: its hooks ({@link Vm#addCodeHook} and the others) fire in
     * the board's runs under either accelerator, since the machine's vCPU threads run with the VM's
     * accelerator ({@link Machine#useAccelerator} is {@link Vm#useAccelerator}). Add hooks before
     * {@link #run} (EBUSY while a vCPU runs); the PSCI firmware keeps handling HVC/SMC behind any exception hook.
     */
    public Vm vm() {
        return vm;
    }

    /** The VM's guest physical address space, with the board's RAM and devices. */
    public PhysicalMemory memory() {
        return mem;
    }

    /** The PL011 serial port. */
    public Pl011 uart() {
        return uart;
    }

    /** The assigned host devices, or null without {@code -device vfio-platform}. */
    public PlatformVfio platformVfio() {
        return vfio;
    }

    /** The DMA test engine and its address space, or null without {@code -device armature-dma}. */
    public PlatformDma platformDma() {
        return dma;
    }

    /** The machine that runs the vCPUs (run control, accelerator choice, snapshots). */
    public Machine machine() {
        return machine;
    }

    /** Where the boot images go and where the boot vCPU starts. */
    public BootPlan bootPlan() {
        return plan;
    }

    /** The DTB as loaded (what {@code -machine dumpdtb} writes). */
    public byte[] deviceTreeBlob() {
        return dtbBlob.clone();
    }

    /** The blob of the tree this board generates for {@code config}, with {@code chosen} in /chosen. */
    public static byte[] generatedDeviceTree(VirtConfig config, VirtDeviceTree.Chosen chosen) {
        GicDeviceTree gic = VirtGic.deviceTree(config.gicVersion(), config.smp());
        FdtNode root = VirtDeviceTree.build(config, gic, conduit(config).dtMethod, chosen, new SecureRandom());
        return Fdt.encode(root, List.of(), 0, DTB_SIZE);
    }

    /** Boots and runs the guest; returns the exit status. */
    public int run() throws InterruptedException {
        return machine.run();
    }

    /**
     * Boots and runs the guest on this board under the translator and on {@code reference} (built alike, with
     * the interpreter) in lockstep, comparing them at every block; see {@code LockstepRun}. Returns the guest's
     * exit status, or 2 after printing a divergence to {@code err}.
     */
    public int runLockstep(VirtBoard reference, int icountShift, PrintStream err) {
        return LockstepRun.run(machine, reference.machine, icountShift, err);
    }

    /** The board's GIC (the vGIC's model). */
    public InterruptController interruptController() {
        return gic;
    }

    /**
     * Boot, and system reset (after the machine re-initialised the vCPUs): on a reset, devices go back to their
     * reset state (at first boot they are fresh, and input may already be waiting in the UART); then the images
     * load.
     */
    private long reload(boolean systemReset) {
        if (systemReset) {
            resetDevices();
        }
        plan.load(mem);
        return plan.entryPc();
    }

    private void resetDevices() {
        gic.reset();
        if (gicVirt != null) {
            gicVirt.reset();
        }
        uart.reset();
        rtc.reset();
        pci.reset();
        transports.forEach(VirtioMmio::reset);
        if (dma != null) {
            dma.engine().reset();
        }
        if (vfio != null) {
            vfio.reset();
        }
    }

    /** The configuration a snapshot of this board records and must match to load. */
    static BoardConfig snapshotConfig(VirtConfig config) {
        return new BoardConfig(config.smp(), config.gicVersion(), config.ramSize(), config.cpuModel().name(),
                config.virtualization(), config.virtioMmioVersion(), config.virtioSerial().name(), config.dma().name());
    }

    /** The system counter's snapshot state: its count, which a restore makes the count continue from. */
    private Snapshottable counterState() {
        return new Snapshottable() {
            @Override
            public void saveState(DataOutput out) throws IOException {
                out.writeLong(counter.count());
            }

            @Override
            public Runnable loadState(DataInput in) throws IOException {
                long count = in.readLong();
                return () -> counter.setCount(count);
            }
        };
    }

    private VirtioDevice virtioDevice(VirtConfig.VirtioDeviceConfig d) {
        return switch (d) {
            case VirtConfig.Block b -> {
                BlockImage image = BlockImage.open(b.image(), b.readOnly());
                images.add(image);
                yield new VirtioBlock(mem, image, b.serial());
            }
            case VirtConfig.Rng r -> new VirtioRng(mem, new SecureRandom());
        };
    }

    /** QEMU's PSCI conduit: HVC, or SMC when the guest owns EL2 (its HVCs are then its own). */
    private static Psci.Conduit conduit(VirtConfig config) {
        return config.virtualization() ? Psci.Conduit.SMC : Psci.Conduit.HVC;
    }

    /** The root bus: QEMU's host bridge in slot 0, then {@code pci-testdev} (QEMU's first free slot, 1). */
    private static PciHost pciHost(VirtConfig config) {
        List<PciFunction> functions = new ArrayList<>();
        functions.add(new PciHostBridge());
        if (config.pciTestdev()) {
            functions.add(new PciTestDev());
        }
        return new PciHost(functions);
    }

    /**
     * The VM's {@link dev.armature.vm.CpuWiring}: attaches a vCPU's fresh Cpu (at every reset) to what the board
     * owns — the PSCI firmware, the system counter, the TLB shootdown domain — and detaches the one it replaces.
     * MPIDR_EL1, the GIC's lines, ICC_* registers and timer PPIs are the VM's.
     */
    private void attachCpu(Vcpu vcpu, Cpu fresh, Cpu previous) {
        shootdown.remove(previous);
        fresh.exceptionHook = firmwareHook;
        fresh.sys.timer.setCounter(counter);
        shootdown.add(fresh);
        if (gicVirt != null) {
            gicVirt.connect(vcpu.index(), fresh);
        }
    }

    private byte[] deviceTree(byte[] given, VirtDeviceTree.Chosen chosen) {
        if (given == null) {
            return generatedDeviceTree(config, chosen);
        }
        // Like QEMU with -dtb: keep the user's tree, but make memory and /chosen describe this boot.
        Fdt.Blob blob = Fdt.decode(given);
        FdtNode root = blob.root();
        for (FdtNode n : root.children()) {
            if (n.name().equals("memory") || n.name().startsWith("memory@")) {
                n.setU64("reg", RAM_BASE, config.ramSize());
            }
        }
        VirtDeviceTree.applyChosen(root.childOrAdd("chosen"), chosen);
        return Fdt.encode(root, blob.reservations(), blob.bootCpu());
    }

    /** {@code -d int}: logs each synchronous exception before the firmware or the guest's vectors take it. */
    private static ExceptionHook logging(ExceptionHook inner, DebugLog log) {
        return (cpu, e) -> {
            log.log(String.format("Taking exception on CPU %d at EL%d: %s", cpu.index, cpu.el, e.getMessage()));
            boolean handled = inner.handle(cpu, e);
            if (handled) {
                log.log(String.format("...handled by PSCI firmware: x0=0x%x", cpu.x(0)));
            }
            return handled;
        };
    }

    @Override
    public void close() {
        if (vfio != null) {
            vfio.close();
        }
        if (dma != null) {
            dma.close();
        }
        images.forEach(BlockImage::close);
        vm.close();
    }
}
