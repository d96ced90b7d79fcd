package dev.armature.machine;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.devices.dma.DmaEngine;
import dev.armature.devices.gic.GicFrame;
import dev.armature.iommu.SmmuContext;
import dev.armature.loader.KernelImage;
import dev.armature.machine.fdt.Fdt;
import dev.armature.machine.fdt.FdtNode;
import dev.armature.migration.SectionId;
import dev.armature.migration.Snapshot;
import dev.armature.migration.SnapshotException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;

import static dev.armature.machine.VirtMemoryMap.RAM_BASE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The DMA test engine on the {@code virt} board: its device tree node, its registers, its VCM, its interrupt. */
class PlatformDmaTest {
    private static final long REGS = 0x0c00_0000L;
    /** GICD_ISPENDR word and bit of SPI 112 (INTID 144), the same offset on GICv2 and GICv3. */
    private static final int ISPENDR_144 = 0x200 + 4 * (144 / 32);
    private static final int BIT_144 = 1 << (144 % 32);
    private static final long RAM = 128L << 20;

    /** GICD_ISPENDR's bit for SPI 112, as userspace reads it (the frames are mapped at the first vCPU run). */
    private static int spi112Pending(VirtBoard b) {
        return b.interruptController().readRegister(GicFrame.DISTRIBUTOR, 0, ISPENDR_144) & BIT_144;
    }

    private static VirtBoard board(VirtConfig.Dma dma, int gic) throws Exception {
        return board(new VirtConfig(RAM, 1, CpuModel.CORTEX_A57, gic, false, 1, VirtConfig.VirtioSerial.NONE, dma));
    }

    private static VirtBoard board(VirtConfig cfg) throws Exception {
        KernelImage kernel = KernelImage.identify(new byte[] {0, 0, 0, 0x14});
        return new VirtBoard(cfg, new VirtBoard.Boot(kernel, null, null, null), null, false, DebugLog.OFF);
    }

    private static int[] cells(byte[] v) {
        ByteBuffer b = ByteBuffer.wrap(v);
        int[] out = new int[v.length / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getInt();
        }
        return out;
    }

    private static FdtNode bus(VirtBoard b) {
        FdtNode bus = Fdt.decode(b.deviceTreeBlob()).root().child("platform-bus@c000000");
        assertNotNull(bus, "platform bus node");
        return bus;
    }

    /** Copies {@code len} bytes from {@code src} to {@code dst} (device addresses); returns STATUS. */
    private static long copy(VirtBoard b, long src, long dst, int len, int ctrl) {
        var mem = b.memory();
        mem.write(REGS + DmaEngine.SRC, 8, src);
        mem.write(REGS + DmaEngine.DST, 8, dst);
        mem.write(REGS + DmaEngine.LEN, 4, len);
        mem.write(REGS + DmaEngine.CTRL, 4, ctrl | DmaEngine.CTRL_GO);
        return mem.read(REGS + DmaEngine.STATUS, 4);
    }

    private static byte[] pattern(int n) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) {
            p[i] = (byte) (i * 13 + 7);
        }
        return p;
    }

    @Test
    void withoutTheDeviceTheBusIsEmptyAsInQemu() throws Exception {
        try (VirtBoard b = board(VirtConfig.Dma.NONE, 2)) {
            FdtNode bus = bus(b);
            assertTrue(bus.children().isEmpty());
            assertNull(bus.property("dma-ranges"));
            assertArrayEquals(new int[] {0, 0, 0x0c00_0000, 0x0200_0000}, cells(bus.property("ranges")));
            assertNull(b.platformDma());
            assertNull(b.memory().find(REGS));
        }
    }

    @Test
    void directDeviceIsDescribedAndCopiesPhysicalAddresses() throws Exception {
        try (VirtBoard b = board(VirtConfig.Dma.DIRECT, 2)) {
            FdtNode bus = bus(b);
            FdtNode dma = bus.child("dma@0");
            assertNotNull(dma, "dma@0 under the platform bus");
            assertEquals("armature,dma-engine\0", new String(dma.property("compatible")));
            assertArrayEquals(new int[] {0, 0x1000}, cells(dma.property("reg")));
            assertArrayEquals(new int[] {0, 112, 4}, cells(dma.property("interrupts")));
            assertNull(bus.property("dma-ranges"), "one-to-one: no translation to describe");

            var mem = b.memory();
            assertEquals(DmaEngine.ID_VALUE, mem.read(REGS + DmaEngine.ID, 4));
            byte[] data = pattern(5000);
            mem.writeBytes(RAM_BASE + 0x10_0003, data);
            assertEquals(DmaEngine.STATUS_DONE, copy(b, RAM_BASE + 0x10_0003, RAM_BASE + 0x20_0001, 5000, 0));
            assertArrayEquals(data, mem.readBytes(RAM_BASE + 0x20_0001, 5000));

            long end = RAM_BASE + RAM;
            assertEquals(DmaEngine.STATUS_ERROR, copy(b, RAM_BASE, end, 16, 0), "write past the end of RAM");
            assertEquals(end, mem.read(REGS + DmaEngine.FAULT, 8));
        }
    }

    @Test
    void iommuDeviceReachesRamFromIovaBaseAsDmaRangesSays() throws Exception {
        try (VirtBoard b = board(VirtConfig.Dma.IOMMU, 3)) {
            FdtNode bus = bus(b);
            assertNotNull(bus.child("dma@0"));
            assertArrayEquals(new int[] {0x1000_0000, 0, 0x4000_0000, (int) RAM}, cells(bus.property("dma-ranges")));

            SmmuContext ctx = assertInstanceOf(SmmuContext.class, b.platformDma().master());
            assertEquals(RAM_BASE + 0x12_3000, ctx.translate(0x1012_3000L));

            var mem = b.memory();
            byte[] data = pattern(3 * 4096 + 17);
            mem.writeBytes(RAM_BASE + 0x30_0000, data);
            assertEquals(DmaEngine.STATUS_DONE,
                    copy(b, 0x1030_0000L, 0x1050_0005L, data.length, 0));
            assertArrayEquals(data, mem.readBytes(RAM_BASE + 0x50_0005, data.length));

            byte[] before = mem.readBytes(RAM_BASE + 0x60_0000, 64);
            assertEquals(DmaEngine.STATUS_ERROR, copy(b, RAM_BASE + 0x30_0000, 0x1060_0000L, 64, 0),
                    "a physical address is no device address behind the SMMU");
            assertEquals(RAM_BASE + 0x30_0000, mem.read(REGS + DmaEngine.FAULT, 8));
            assertArrayEquals(before, mem.readBytes(RAM_BASE + 0x60_0000, 64));
        }
    }

    @Test
    void interruptReachesSpi112AndResetClearsIt() throws Exception {
        for (int gic : new int[] {2, 3}) {
            try (VirtBoard b = board(VirtConfig.Dma.DIRECT, gic)) {
                var mem = b.memory();
                assertEquals(0, spi112Pending(b));
                copy(b, RAM_BASE, RAM_BASE + 0x1000, 8, DmaEngine.CTRL_IRQ_EN);
                assertEquals(BIT_144, spi112Pending(b), "GICv" + gic);
                mem.write(REGS + DmaEngine.STATUS, 4, DmaEngine.STATUS_DONE);
                assertEquals(0, spi112Pending(b), "GICv" + gic);

                copy(b, RAM_BASE, RAM_BASE + 0x1000, 8, DmaEngine.CTRL_IRQ_EN);
                b.platformDma().engine().reset();
                assertEquals(0, mem.read(REGS + DmaEngine.STATUS, 4));
                assertEquals(0, spi112Pending(b), "reset deasserts the line");
            }
        }
    }

    @Test
    void iommuWindowStaysInsideThe32BitDeviceAddressSpaceInWholeMib() throws Exception {
        VirtConfig big = new VirtConfig(8L << 30, 1, CpuModel.CORTEX_A57, 2, false, 1,
                VirtConfig.VirtioSerial.NONE, VirtConfig.Dma.IOMMU);
        assertEquals(new PlatformDma.Window(0x1000_0000L, RAM_BASE, 0xf000_0000L), PlatformDma.window(big));
        VirtConfig odd = new VirtConfig((5L << 20) + 0x3000, 1, CpuModel.CORTEX_A57, 2, false, 1,
                VirtConfig.VirtioSerial.NONE, VirtConfig.Dma.IOMMU);
        assertEquals(5L << 20, PlatformDma.window(odd).length(), "whole MiB");
        try (VirtBoard b = board(odd)) {
            assertEquals(DmaEngine.STATUS_DONE, copy(b, 0x1000_0000L, 0x1000_1000L, 16, 0));
            assertEquals(DmaEngine.STATUS_ERROR, copy(b, 0x1050_0000L, 0x1000_1000L, 16, 0), "the tail is unmapped");
        }
        try (VirtBoard b = board(new VirtConfig(odd.ramSize(), 1, CpuModel.CORTEX_A57, 2, false, 1,
                VirtConfig.VirtioSerial.NONE, VirtConfig.Dma.DIRECT))) {
            long last = RAM_BASE + odd.ramSize() - 16;
            assertEquals(DmaEngine.STATUS_DONE, copy(b, last, RAM_BASE, 16, 0), "one-to-one covers all of RAM");
        }
        assertThrows(IllegalArgumentException.class, () -> new VirtConfig(0x8_0000, 1, CpuModel.CORTEX_A57, 2,
                false, 1, VirtConfig.VirtioSerial.NONE, VirtConfig.Dma.IOMMU));
    }

    /**
     * The engine's registers travel in the snapshot's {@code dma} section (the interrupt it drives is restored
     * with them), its writes into guest RAM reach the dirty log, and a snapshot from a board without the engine
     * is refused naming the difference.
     */
    @Test
    void engineStateIsInTheSnapshotAndItsDmaIsDirtyLogged(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("dma.snap");
        try (VirtBoard a = board(VirtConfig.Dma.IOMMU, 2)) {
            a.memory().writeBytes(RAM_BASE + 0x10_0000, pattern(64));
            a.memory().dirtyLog().start();
            long iova = PlatformDma.IOVA_BASE;
            assertEquals(DmaEngine.STATUS_DONE, copy(a, iova + 0x10_0000, iova + 0x20_3ff0, 64, DmaEngine.CTRL_IRQ_EN));
            assertArrayEquals(new long[] {RAM_BASE + 0x20_3000, RAM_BASE + 0x20_4000}, a.memory().dirtyLog().harvest());
            a.memory().dirtyLog().stop();
            a.machine().saveSnapshot(file);
            var dma = Snapshot.read(file).require(SectionId.DMA, 0);
            assertEquals(8 * 3 + 4 * 3, dma.payload().length);
        }
        try (VirtBoard b = board(VirtConfig.Dma.IOMMU, 2)) {
            b.machine().loadSnapshot(file);
            var mem = b.memory();
            assertEquals(PlatformDma.IOVA_BASE + 0x20_3ff0, mem.read(REGS + DmaEngine.DST, 8));
            assertEquals(64, mem.read(REGS + DmaEngine.LEN, 4));
            assertEquals(DmaEngine.CTRL_IRQ_EN, mem.read(REGS + DmaEngine.CTRL, 4));
            assertEquals(DmaEngine.STATUS_DONE, mem.read(REGS + DmaEngine.STATUS, 4));
            assertEquals(BIT_144, spi112Pending(b), "the restored engine drives its interrupt");
        }
        try (VirtBoard none = board(VirtConfig.Dma.NONE, 2)) {
            var e = assertThrows(SnapshotException.class,
                    () -> none.machine().loadSnapshot(file));
            assertEquals("snapshot does not match this VM: snapshot has DMA engine IOMMU, this VM has NONE",
                    e.getMessage());
        }
    }
}
