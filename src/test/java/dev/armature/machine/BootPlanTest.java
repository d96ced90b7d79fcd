package dev.armature.machine;

import dev.armature.loader.ElfFile;
import dev.armature.loader.KernelImage;
import dev.armature.memory.PhysicalMemory;
import dev.armature.testutil.ElfBuilder;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Placement rules. Expected addresses were read from QEMU 7.2 ({@code qemu-system-aarch64 -M virt -cpu
 * cortex-a57 -S}, monitor {@code x /10wx 0x40000000}: the stub's DTB and entry literals).
 */
class BootPlanTest {
    private static final long RAM = 0x4000_0000L;
    private static final long MIB = 1L << 20;
    private static final byte[] DTB = new byte[0x1000];

    private static BootPlan plan(KernelImage k, byte[] initrd, long ramSize) throws BootException {
        return BootPlan.plan(k, initrd, null, RAM, ramSize, chosen -> DTB);
    }

    private static long stubLiteral(BootPlan p, int offset) {
        BootPlan.Blob stub = p.blobs().stream().filter(b -> b.what().equals("boot stub")).findFirst().orElseThrow();
        return ByteBuffer.wrap(stub.data()).order(ByteOrder.LITTLE_ENDIAN).getLong(offset);
    }

    private static KernelImage raw() {
        return new KernelImage.Raw(new byte[] {0, 0, 0, 0x14});
    }

    private static KernelImage image(long textOffset, long imageSize) {
        return new KernelImage.ArmLinux(new byte[4096], textOffset, imageSize, 0xa);
    }

    @Test
    void bootStubIsQemusSixInstructions() throws Exception {
        BootPlan p = plan(raw(), null, 128 * MIB);
        BootPlan.Blob stub = p.blobs().stream().filter(b -> b.what().equals("boot stub")).findFirst().orElseThrow();
        assertEquals(RAM, stub.address());
        ByteBuffer b = ByteBuffer.wrap(stub.data()).order(ByteOrder.LITTLE_ENDIAN);
        int[] qemu = {0x580000c0, 0xaa1f03e1, 0xaa1f03e2, 0xaa1f03e3, 0x58000084, 0xd61f0080};
        for (int i = 0; i < qemu.length; i++) {
            assertEquals(qemu[i], b.getInt(i * 4), "word " + i);
        }
        assertEquals(RAM, p.entryPc());
    }

    @Test
    void rawKernelAndDtbPlacementMatchQemu() throws Exception {
        assertEquals(0x4008_0000L, stubLiteral(plan(raw(), null, 128 * MIB), 0x20)); // entry
        assertEquals(0x4400_0000L, stubLiteral(plan(raw(), null, 128 * MIB), 0x18)); // dtb
        assertEquals(0x4420_0000L, stubLiteral(plan(raw(), new byte[3], 128 * MIB), 0x18));
        assertEquals(0x4800_0000L, stubLiteral(plan(raw(), null, 512 * MIB), 0x18));
        assertEquals(0x4820_0000L, stubLiteral(plan(raw(), new byte[3], 512 * MIB), 0x18));
        assertEquals(0x4200_0000L, stubLiteral(plan(raw(), null, 64 * MIB), 0x18));
        assertEquals(0x4120_0000L, stubLiteral(plan(raw(), new byte[3], 32 * MIB), 0x18));
    }

    @Test
    void imagePlacementMatchesQemu() throws Exception {
        assertEquals(0x4020_0000L, stubLiteral(plan(image(0, 0x10000), null, 128 * MIB), 0x20));
        assertEquals(0x4008_0000L, stubLiteral(plan(image(0x80000, 0x10000), null, 128 * MIB), 0x20));
        // A 48 MiB image in 64 MiB: the initrd (and so the DTB) moves above the image's end.
        BootPlan big = plan(image(0, 0x300_0000), new byte[3], 64 * MIB);
        assertEquals(0x4020_0000L, stubLiteral(big, 0x20));
        assertEquals(0x4340_0000L, stubLiteral(big, 0x18));
        assertEquals(0x4320_0000L, big.chosen().initrdStart());
        assertEquals(0x4320_0003L, big.chosen().initrdEnd());
    }

    @Test
    void initrdGoesToRamPlus128MiBWhenRamIsLarge() throws Exception {
        BootPlan p = plan(image(0, 0x10000), new byte[100], 512 * MIB);
        assertEquals(0x4800_0000L, p.chosen().initrdStart());
        assertEquals(0x4800_0064L, p.chosen().initrdEnd());
    }

    @Test
    void elfIsEnteredDirectlyWithDtbAtRamStartWhenItFits() throws Exception {
        KernelImage k = elf(0x4040_0000L);
        BootPlan p = plan(k, null, 128 * MIB);
        assertEquals(0x4040_0000L, p.entryPc());
        assertEquals(RAM, p.dtbAddress());
        assertTrue(p.blobs().stream().noneMatch(b -> b.what().equals("boot stub")));
        BootPlan low = plan(elf(RAM), null, 128 * MIB);
        assertEquals(-1, low.dtbAddress());
        assertTrue(assertThrows(BootException.class, () -> plan(elf(0x4040_0000L), new byte[1], 128 * MIB))
                .getMessage().startsWith("-initrd needs a Linux kernel"));
    }

    @Test
    void elfDtbRuleUsesQemusOneMiBBlob() throws Exception {
        // QEMU: an ELF whose segment starts at 0x400f0000 gets no DTB; one at 0x40400000 gets it at 0x40000000.
        java.util.function.Function<VirtDeviceTree.Chosen, byte[]> dtb = c -> new byte[VirtBoard.DTB_SIZE];
        assertEquals(-1, BootPlan.plan(elf(0x400f_0000L), null, null, RAM, 128 * MIB, dtb).dtbAddress());
        assertEquals(RAM, BootPlan.plan(elf(0x4040_0000L), null, null, RAM, 128 * MIB, dtb).dtbAddress());
    }

    @Test
    void imagesThatDoNotFitAreRefused() {
        String m = assertThrows(BootException.class, () -> plan(image(0, 0x1000_0000), null, 128 * MIB)).getMessage();
        assertEquals("the kernel (0x10000000 bytes at 0x40200000) does not fit in RAM [0x40000000..0x48000000); "
                + "a larger -m may help", m);
        assertTrue(assertThrows(BootException.class, () -> plan(raw(), new byte[(int) (70 * MIB)], 128 * MIB))
                .getMessage().startsWith("the initrd"));
        assertTrue(assertThrows(BootException.class, () -> plan(elf(0x1000), null, 128 * MIB))
                .getMessage().startsWith("the ELF segment"));
    }

    @Test
    void loadCopiesBlobsAndZeroesElfBss() throws Exception {
        try (PhysicalMemory mem = new PhysicalMemory()) {
            mem.addRam("ram", RAM, 128 * MIB);
            mem.write(0x4040_0008L, 8, -1L); // stale data where the segment's .bss goes
            BootPlan p = plan(elf(0x4040_0000L), null, 128 * MIB);
            p.load(mem);
            assertEquals(0x1400_0000L, mem.read(0x4040_0000L, 4));
            assertEquals(0, mem.read(0x4040_0008L, 8));
        }
    }

    private static KernelImage elf(long paddr) throws Exception {
        return KernelImage.identify(ElfBuilder.elf(ElfFile.EM_AARCH64, paddr, paddr, new byte[] {0, 0, 0, 0x14}, 0x100));
    }
}
