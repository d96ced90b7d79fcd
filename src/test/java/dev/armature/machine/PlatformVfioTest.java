package dev.armature.machine;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.devices.gic.GicFrame;
import dev.armature.host.HostInterruptController;
import dev.armature.host.HostPlatform;
import dev.armature.host.HostTimer;
import dev.armature.loader.KernelImage;
import dev.armature.machine.fdt.Fdt;
import dev.armature.machine.fdt.FdtNode;
import dev.armature.migration.SnapshotException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static dev.armature.machine.VirtMemoryMap.RAM_BASE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Host devices assigned to the {@code virt} board ({@code -device vfio-platform}): placement on the platform bus
 * next to the DMA engine, the device tree, register passthrough, DMA into guest RAM, both interrupt paths and the
 * switch between them through the VMM control page, reset, and the return of the devices to the host. The host's
 * timers are ticked by the test, not in real time.
 */
class PlatformVfioTest {
    private static final long RAM = 16L << 20;
    /** GICD_ISPENDR0, read through the GIC's userspace path (its frames map at the first vCPU run). */
    private static final int GICD_ISPENDR = 0x200;

    private final HostPlatform host = new HostPlatform(2);
    private final HostTimer timer0 = host.add(new HostTimer("timer0", host.interruptController().line(0)));
    private final HostTimer timer1 = host.add(new HostTimer("timer1", host.interruptController().line(1)));

    private VirtBoard board(VirtConfig.Dma dma, VirtConfig.VfioAssignment... vfio) throws Exception {
        VirtConfig cfg = new VirtConfig(RAM, 1, CpuModel.CORTEX_A57, 2, false, 1, VirtConfig.VirtioSerial.NONE, dma,
                List.of(vfio), false);
        KernelImage kernel = KernelImage.identify(new byte[] {0, 0, 0, 0x14});
        return new VirtBoard(cfg, new VirtBoard.Boot(kernel, null, null, null), null, false, DebugLog.OFF,
                () -> host);
    }

    private static VirtConfig.VfioAssignment assign(String name, boolean forward) {
        return new VirtConfig.VfioAssignment(name, forward);
    }

    private static int[] cells(byte[] v) {
        ByteBuffer b = ByteBuffer.wrap(v);
        int[] out = new int[v.length / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getInt();
        }
        return out;
    }

    private static boolean spiPending(VirtBoard b, int intid) {
        int word = b.interruptController().readRegister(GicFrame.DISTRIBUTOR, 0, GICD_ISPENDR + 4 * (intid / 32));
        return (word & (1L << (intid % 32))) != 0;
    }

    private static HostInterruptController.Line line(HostTimer t) {
        return t.irqs().getFirst();
    }

    @Test
    void devicesFollowTheDmaEngineOnThePlatformBusAndInTheDeviceTree() throws Exception {
        try (VirtBoard b = board(VirtConfig.Dma.DIRECT, assign("timer1", false), assign("timer0", true))) {
            FdtNode bus = Fdt.decode(b.deviceTreeBlob()).root().child("platform-bus@c000000");
            assertEquals(List.of("dma@0", "timer@1000", "timer@3000"),
                    bus.children().stream().map(FdtNode::name).toList());
            FdtNode t1 = bus.child("timer@1000");
            assertArrayEquals(new int[] {0x1000, 0x1000, 0x2000, 0x1000}, cells(t1.property("reg")));
            assertArrayEquals(new int[] {0, 113, 4}, cells(t1.property("interrupts")));
            assertEquals("armature,host-timer\0", new String(t1.property("compatible"), StandardCharsets.US_ASCII));
            assertEquals("timer1\0", new String(t1.property("armature,host-device"), StandardCharsets.US_ASCII));
            assertArrayEquals(new int[] {0, 114, 4}, cells(bus.child("timer@3000").property("interrupts")));
            assertArrayEquals(new int[] {0, 112, 4}, cells(bus.child("dma@0").property("interrupts")));
            assertNotNull(b.memory().find(0x0c00_1000L));
            // The open VFIO files and timer0's forward hold references.
            assertEquals(1, timer1.references());
            assertEquals(2, timer0.references());
        }
        assertEquals(0, timer0.references());
        assertEquals(0, timer1.references());
    }

    @Test
    void registersPassThroughAndDmaReachesGuestRam() throws Exception {
        try (VirtBoard b = board(VirtConfig.Dma.NONE, assign("timer0", true))) {
            long regs = 0x0c00_0000L;
            b.memory().write(regs + HostTimer.PERIOD, 4, 3);
            assertEquals(3, timer0.readRegister(HostTimer.PERIOD));
            long target = RAM_BASE + 0x8000;
            b.memory().write(regs + HostTimer.DMA_LO, 4, target);
            b.memory().write(regs + HostTimer.CTRL, 4, HostTimer.CTRL_ENABLE | HostTimer.CTRL_DMA);
            timer0.tick(7);
            assertEquals(2, b.memory().read(target, 4));
            assertEquals(2, b.memory().read(regs + HostTimer.EVENTS, 4));
            b.memory().write(regs + HostTimer.DMA_LO, 4, RAM_BASE + RAM); // outside the mapping: a DMA fault
            timer0.tick(3);
            assertEquals(HostTimer.STATUS_DMA_FAULT, b.memory().read(regs + HostTimer.STATUS, 4));
            assertEquals(HostTimer.CTRL_ENABLE, b.memory().read(regs + HostTimer.CTRL, 4));
        }
    }

    @Test
    void bothPathsAndTheRunTimeSwitch() throws Exception {
        try (VirtBoard b = board(VirtConfig.Dma.NONE, assign("timer0", false))) {
            PlatformVfio v = b.platformVfio();
            long vmm = 0x0c00_0000L + PlatformVfio.CONTROL_OFFSET;
            int intid = 32 + 112;
            assertEquals(0, b.memory().read(vmm + PlatformVfio.CONTROL_FORWARD, 4));
            timer0.writeRegister(HostTimer.CTRL, HostTimer.CTRL_ENABLE);
            timer0.tick(1);
            assertTrue(spiPending(b, intid));
            assertTrue(line(timer0).isMasked()); // through the VMM: masked until the guest's EOI
            assertEquals(1, b.memory().read(vmm + PlatformVfio.CONTROL_EXITS, 4));

            b.memory().write(vmm + PlatformVfio.CONTROL_FORWARD, 4, 1);
            assertEquals(0, b.memory().read(vmm + PlatformVfio.CONTROL_ERRNO, 4));
            assertTrue(v.isForwarded(0));
            // The unacknowledged event is taken again through the forward: pending, host active, not masked.
            assertTrue(spiPending(b, intid));
            assertTrue(line(timer0).isActive());
            assertFalse(line(timer0).isMasked());
            assertEquals(2, timer0.references());
            timer0.tick(1);
            assertEquals(1, v.exits(0)); // no exit for forwarded interrupts

            b.memory().write(vmm + PlatformVfio.CONTROL_FORWARD, 4, 0);
            assertFalse(v.isForwarded(0));
            assertEquals(1, timer0.references());
            assertTrue(spiPending(b, intid)); // the events still wait: taken through the VMM again
            assertEquals(2, v.exits(0));

            // A system reset returns the device to its configured mode, reset.
            b.memory().write(vmm + PlatformVfio.CONTROL_FORWARD, 4, 1);
            v.reset();
            assertFalse(v.isForwarded(0));
            assertEquals(0, timer0.readRegister(HostTimer.EVENTS));
            assertFalse(line(timer0).isMasked());
            assertFalse(line(timer0).isActive());
        }
        assertFalse(line(timer0).hasHandler());
        assertEquals(0, timer0.references());
    }

    @Test
    void unknownHostDevicesAreRefusedByName() {
        BootException e = assertThrows(BootException.class, () -> board(VirtConfig.Dma.NONE, assign("eth0", true)));
        assertEquals("-device vfio-platform,host=eth0: the host has no such device (it has timer0, timer1)",
                e.getMessage());
    }

    @Test
    void snapshotsAreBlocked() throws Exception {
        try (VirtBoard b = board(VirtConfig.Dma.NONE, assign("timer0", true))) {
            SnapshotException e = assertThrows(SnapshotException.class,
                    () -> b.machine().saveSnapshot(Path.of("unused.snap")));
            assertTrue(e.getMessage().startsWith("-device vfio-platform:"), e.getMessage());
        }
    }
}
