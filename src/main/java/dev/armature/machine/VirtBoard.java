package dev.armature.machine;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.ExceptionHook;
import dev.armature.arch.aarch64.GenericTimer;
import dev.armature.arch.aarch64.SyncException;
import dev.armature.arch.aarch64.SysReg;
import dev.armature.arch.aarch64.SystemCounter;
import dev.armature.arch.aarch64.TlbShootdown;
import dev.armature.devices.gic.GicCpuInterface;
import dev.armature.devices.gic.GicV2;
import dev.armature.devices.gic.GicV3;
import dev.armature.devices.gic.IccRegisters;
import dev.armature.devices.gic.InterruptController;
import dev.armature.devices.gic.MmioWindow;
import dev.armature.devices.pl011.Pl011;
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
import dev.armature.loader.KernelImage;
import dev.armature.machine.fdt.Fdt;
import dev.armature.machine.fdt.FdtException;
import dev.armature.machine.fdt.FdtNode;
import dev.armature.memory.PhysicalMemory;
import dev.armature.migration.BoardConfig;
import dev.armature.migration.SectionId;
import dev.armature.migration.Snapshottable;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

import static dev.armature.machine.VirtMemoryMap.*;

/**
 * Assembles a QEMU-compatible {@code virt} board: RAM, the GIC (v2 or v3), PL011, PL031, the 32 virtio-mmio slots
 * (devices in the highest slots first, as QEMU assigns them), the DMA test engine on the platform bus if asked
 * for, PSCI firmware, the device tree and the boot images, and the {@link Machine} that runs the vCPUs.
 */
public final class VirtBoard implements AutoCloseable {
    /** What to boot. {@code dtb} is a user-supplied blob ({@code -dtb}) or null to generate one. */
    public record Boot(KernelImage kernel, byte[] initrd, String bootargs, byte[] dtb) {
    }

    private static final int[] TIMER_INTIDS = {GenericTimer.INTID_PHYSICAL, GenericTimer.INTID_VIRTUAL,
        GenericTimer.INTID_HYP};
    /** QEMU 7.2 makes its generated blob 1 MiB; the size decides where an ELF kernel's DTB fits. */
    public static final int DTB_SIZE = 1 << 20;

    private final VirtConfig config;
    private final PhysicalMemory mem = new PhysicalMemory();
    private final InterruptController gic;
    private final TlbShootdown shootdown = new TlbShootdown();
    /** The VM's system counter: every vCPU's timers read it, so their counts agree and a snapshot can set it. */
    private final SystemCounter counter = new SystemCounter();
    private final Pl011 uart;
    private final Pl031 rtc;
    /** The virtio transports that hold a device (empty slots have no state to reset). */
    private final List<VirtioMmio> transports = new ArrayList<>();
    /** The disk images behind virtio-blk devices, closed with the board. */
    private final List<BlockImage> images = new ArrayList<>();
    /** {@code -device armature-dma}, or null. */
    private final PlatformDma dma;
    private final Machine machine;
    private final BootPlan plan;
    private byte[] dtbBlob;

    /**
     * @param serial where the PL011's output goes, or null to discard it
     * @throws BootException if the images cannot be placed or the given DTB is malformed
     */
    public VirtBoard(VirtConfig config, Boot boot, OutputStream serial, boolean noReboot, DebugLog log)
            throws BootException {
        this.config = config;
        mem.addRam("ram", RAM_BASE, config.ramSize());
        gic = interruptController(config);
        for (MmioWindow w : gic.mmioWindows()) {
            mem.addMmio(w.name(), w.base(), w.size(), w.handler());
        }
        uart = new Pl011(serial, gic.spiLine(UART_SPI));
        mem.addMmio("pl011", UART_BASE, UART_SIZE, uart);
        rtc = new Pl031(gic.spiLine(RTC_SPI));
        mem.addMmio("pl031", RTC_BASE, RTC_SIZE, rtc);

        machine = new Machine(mem, config.effectiveCpuModel(), config.smp(), m -> {
            Psci psci = new Psci(conduit(config), m);
            return log.on(DebugLog.Item.INT) ? logging(psci, log) : psci;
        }, this::attachCpu, gic::affinity, this::reload, config.bootEl(), noReboot, log);

        List<VirtioDevice> devices = new ArrayList<>();
        List<Machine.DeviceSection> states = new ArrayList<>();
        states.add(new Machine.DeviceSection(SectionId.COUNTER, 0, counterState()));
        states.add(new Machine.DeviceSection(SectionId.GIC, 0, gic));
        states.add(new Machine.DeviceSection(SectionId.PL011, 0, uart));
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
        });

        if (config.dma() != VirtConfig.Dma.NONE) {
            dma = new PlatformDma(config, mem, gic.spiLine(PLATFORM_BUS_SPI));
            mem.addMmio("armature-dma", PLATFORM_BUS_BASE, PlatformDma.REG_SIZE, dma.engine());
        } else {
            dma = null;
        }

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

    public VirtConfig config() {
        return config;
    }

    public PhysicalMemory memory() {
        return mem;
    }

    public Pl011 uart() {
        return uart;
    }

    /** The DMA test engine and its address space, or null without {@code -device armature-dma}. */
    public PlatformDma platformDma() {
        return dma;
    }

    public Machine machine() {
        return machine;
    }

    public BootPlan bootPlan() {
        return plan;
    }

    /** The DTB as loaded (what {@code -machine dumpdtb} writes). */
    public byte[] deviceTreeBlob() {
        return dtbBlob.clone();
    }

    /** The blob of the tree this board generates for {@code config}, with {@code chosen} in /chosen. */
    public static byte[] generatedDeviceTree(VirtConfig config, VirtDeviceTree.Chosen chosen) {
        return encodeTree(config, interruptController(config), chosen);
    }

    private static byte[] encodeTree(VirtConfig config, InterruptController gic, VirtDeviceTree.Chosen chosen) {
        FdtNode root = VirtDeviceTree.build(config, gic, conduit(config).dtMethod, chosen, new SecureRandom());
        return Fdt.encode(root, List.of(), 0, DTB_SIZE);
    }

    /** Boots and runs the guest; returns the exit status. */
    public int run() throws InterruptedException {
        return machine.run();
    }

    public InterruptController interruptController() {
        return gic;
    }

    /**
     * Boot, and system reset: on a reset, devices go back to their reset state and the old vCPUs are detached
     * (at first boot they are fresh, and input may already be waiting in the UART); then the images load.
     */
    private long reload(boolean systemReset) {
        if (systemReset) {
            resetDevices();
        }
        plan.load(mem);
        return plan.entryPc();
    }

    private void resetDevices() {
        for (int i = 0; i < config.smp(); i++) {
            Cpu old = machine.cpu(i);
            if (old != null) {
                detachCpu(i, old);
            }
        }
        gic.reset();
        uart.reset();
        rtc.reset();
        transports.forEach(VirtioMmio::reset);
        if (dma != null) {
            dma.engine().reset();
        }
    }

    /** Disconnects a Cpu the vCPU no longer runs: its timer must not reach the GIC, nor its TLB the shootdowns. */
    private void detachCpu(int index, Cpu old) {
        old.sys.timer.setListener(null);
        shootdown.remove(old);
        for (int intid : TIMER_INTIDS) {
            gic.setPrivateLevel(index, intid, false);
        }
    }

    /** The configuration a snapshot of this board records and must match to load. */
    static BoardConfig snapshotConfig(VirtConfig config) {
        return new BoardConfig(config.smp(), config.gicVersion(), config.ramSize(), config.cpuModel().name(),
                config.virtualization(), config.virtioMmioVersion(), config.virtioSerial().name());
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

    private static InterruptController interruptController(VirtConfig config) {
        return config.gicVersion() == 3 ? new GicV3(config.smp()) : new GicV2(config.smp());
    }

    /**
     * Wires a powered-on vCPU's new Cpu: its MPIDR affinity, the GIC's IRQ/FIQ outputs and (GICv3) its ICC_*
     * system registers, the generic timer's outputs to the GIC's PPIs, and the TLB shootdown domain.
     */
    private void attachCpu(int index, Cpu fresh, Cpu previous) {
        if (previous != null) {
            detachCpu(index, previous);
        }
        fresh.sys.setAffinity(gic.affinity(index));
        fresh.sys.timer.setCounter(counter);
        GicCpuInterface icc = gic.cpuInterface(index);
        if (icc.hasSystemRegisters()) {
            for (IccRegisters.Register r : IccRegisters.ALL) {
                int key = r.key();
                SysReg.Access access = r.el2() ? VirtBoard::el2Only : (cpu, k, read) -> { };
                fresh.sys.install(new SysReg(r.name(), key, r.el2(), access,
                        r.readable() ? cpu -> icc.readSysReg(cpu, key) : null,
                        r.writable() ? (cpu, v) -> icc.writeSysReg(cpu, key, v) : null));
            }
            fresh.sys.setGicSystemRegisters(true);
        }
        fresh.sys.timer.setListener((intid, asserted) -> gic.setPrivateLevel(index, intid, asserted));
        shootdown.add(fresh);
        gic.connect(index, fresh);
    }

    /** Access check of the GIC's EL2 registers: UNDEFINED below EL2 (no nested virtualization). */
    private static void el2Only(Cpu cpu, int key, boolean read) {
        if (cpu.el < 2) {
            throw SyncException.undefined(cpu.pc);
        }
    }

    private byte[] deviceTree(byte[] given, VirtDeviceTree.Chosen chosen) {
        if (given == null) {
            return encodeTree(config, gic, chosen);
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
        if (dma != null) {
            dma.close();
        }
        images.forEach(BlockImage::close);
        mem.close();
    }
}
