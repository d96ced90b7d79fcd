package dev.armature.machine;

import dev.armature.arch.aarch64.ExceptionHook;
import dev.armature.devices.InterruptLine;
import dev.armature.devices.pl011.Pl011;
import dev.armature.devices.psci.Psci;
import dev.armature.devices.virtio.TestDev;
import dev.armature.devices.virtio.VirtioConsole;
import dev.armature.devices.virtio.VirtioDevice;
import dev.armature.devices.virtio.VirtioMmio;
import dev.armature.loader.KernelImage;
import dev.armature.machine.fdt.Fdt;
import dev.armature.machine.fdt.FdtException;
import dev.armature.machine.fdt.FdtNode;
import dev.armature.memory.PhysicalMemory;

import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

import static dev.armature.machine.VirtMemoryMap.*;

/**
 * Assembles a QEMU-compatible {@code virt} board: RAM, PL011, the 32 virtio-mmio slots (devices in the highest
 * slots first, as QEMU assigns them), PSCI firmware, the device tree and the boot images, and the
 * {@link Machine} that runs the vCPUs.
 */
public final class VirtBoard implements AutoCloseable {
    /** What to boot. {@code dtb} is a user-supplied blob ({@code -dtb}) or null to generate one. */
    public record Boot(KernelImage kernel, byte[] initrd, String bootargs, byte[] dtb) {
    }

    /** QEMU 7.2 makes its generated blob 1 MiB; the size decides where an ELF kernel's DTB fits. */
    public static final int DTB_SIZE = 1 << 20;

    private final VirtConfig config;
    private final PhysicalMemory mem = new PhysicalMemory();
    private final Pl011 uart;
    private final Psci psci;
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
        uart = new Pl011(serial, InterruptLine.NONE);
        mem.addMmio("pl011", UART_BASE, UART_SIZE, uart);

        Psci[] firmware = new Psci[1];
        machine = new Machine(mem, config.cpuModel(), config.smp(), m -> {
            firmware[0] = new Psci(Psci.Conduit.HVC, m);
            return log.on(DebugLog.Item.INT) ? logging(firmware[0], log) : firmware[0];
        }, this::reload, noReboot, log);
        psci = firmware[0];

        List<VirtioDevice> devices = new ArrayList<>();
        switch (config.virtioSerial()) {
            case TESTDEV -> devices.add(new VirtioConsole(mem, new TestDev(machine::exit)::write));
            case UNCONNECTED -> devices.add(new VirtioConsole(mem, data -> { }));
            case NONE -> { }
        }
        for (int slot = 0; slot < VIRTIO_COUNT; slot++) {
            int fromTop = VIRTIO_COUNT - 1 - slot;
            VirtioDevice d = fromTop < devices.size() ? devices.get(fromTop) : null;
            mem.addMmio("virtio-mmio." + slot, virtioBase(slot), VIRTIO_STRIDE,
                    new VirtioMmio(mem, config.virtioMmioVersion(), d, InterruptLine.NONE));
        }

        try {
            plan = BootPlan.plan(boot.kernel(), boot.initrd(), boot.bootargs(), RAM_BASE, config.ramSize(),
                    chosen -> dtbBlob = deviceTree(boot.dtb(), chosen));
        } catch (FdtException e) {
            throw new BootException("-dtb: malformed device tree blob: " + e.getMessage());
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
        FdtNode root = VirtDeviceTree.build(config, Psci.Conduit.HVC.dtMethod, chosen, new SecureRandom());
        return Fdt.encode(root, List.of(), 0, DTB_SIZE);
    }

    /** Boots and runs the guest; returns the exit status. */
    public int run() throws InterruptedException {
        return machine.run();
    }

    private long reload() {
        plan.load(mem);
        return plan.entryPc();
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
        mem.close();
    }
}
