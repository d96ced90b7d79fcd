package dev.armature.loader;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.*;

class KernelImageTest {
    /** An arm64 Image header (booting.rst): code0 = b +0x40, text_offset, image_size, flags, magic at 0x38. */
    static byte[] image(long textOffset, long imageSize, long flags, int length) {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 0x1400_0010).putLong(8, textOffset).putLong(16, imageSize).putLong(24, flags);
        b.putInt(0x38, 0x644d5241);
        return b.array();
    }

    static byte[] elf(int machine, long entry, long paddr, byte[] code, long memsz) {
        return dev.armature.testutil.ElfBuilder.elf(machine, entry, paddr, code, memsz);
    }

    private static String refusal(byte[] data) {
        return assertThrows(ImageFormatException.class, () -> KernelImage.identify(data)).getMessage();
    }

    @Test
    void armLinuxImageHeader() throws Exception {
        KernelImage k = KernelImage.identify(image(0x80000, 0x20000, 0xa, 4096));
        KernelImage.ArmLinux img = assertInstanceOf(KernelImage.ArmLinux.class, k);
        assertEquals(0x80000, img.textOffset());
        assertEquals(0x20000, img.imageSize());
        assertEquals(0xa, img.flags());
    }

    @Test
    void rawBinaryIsAccepted() throws Exception {
        byte[] raw = {0x00, 0x00, 0x00, 0x14}; // b .
        assertInstanceOf(KernelImage.Raw.class, KernelImage.identify(raw));
    }

    @Test
    void aarch64ElfIsAccepted() throws Exception {
        byte[] e = elf(ElfFile.EM_AARCH64, 0x4010_0000L, 0x4010_0000L, new byte[] {0, 0, 0, 0x14}, 0x100);
        KernelImage.Elf k = assertInstanceOf(KernelImage.Elf.class, KernelImage.identify(e));
        assertEquals(0x4010_0000L, k.elf().entry());
        ElfFile.ProgramHeader ph = k.loadSegments().getFirst();
        assertEquals(120, ph.offset());
        assertEquals(4, ph.filesz());
        assertEquals(0x100, ph.memsz());
        assertEquals(ElfFile.PF_R | ElfFile.PF_X, ph.flags());
    }

    @Test
    void obviousNonImagesAreRefused() throws Exception {
        assertEquals("the file is empty", refusal(new byte[0]));
        assertEquals("looks like a text file, not a kernel image",
                refusal("root:x:0:0:root:/root:/bin/bash\nuser:x:1000:1000::/home/u:/bin/sh\n"
                        .getBytes(StandardCharsets.UTF_8)));
        assertEquals("looks like a text file, not a kernel image",
                refusal("résumé — ünïcödé text\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals("ELF file for x86-64 (EM_X86_64), not AArch64",
                refusal(elf(62, 0x1000, 0x1000, new byte[4], 4)));
        byte[] elf32 = elf(40, 0, 0, new byte[4], 4);
        elf32[4] = 1;
        assertEquals("ELF file for 32-bit Arm (EM_ARM), not AArch64", refusal(elf32));
        byte[] elf32a64 = elf(183, 0, 0, new byte[4], 4);
        elf32a64[4] = 1;
        assertTrue(refusal(elf32a64).startsWith("not a 64-bit ELF file"));
        assertTrue(refusal(Arrays.copyOf(elf(183, 0, 0, new byte[4], 4), 20)).startsWith("truncated ELF header"));
        byte[] shortSeg = Arrays.copyOf(elf(183, 0x4000_0000L, 0x4000_0000L, new byte[64], 64), 150);
        assertTrue(refusal(shortSeg).contains("outside the 150-byte file"), refusal(shortSeg));
        byte[] bz = new byte[0x400];
        bz[0x202] = 'H';
        bz[0x203] = 'd';
        bz[0x204] = 'r';
        bz[0x205] = 'S';
        assertEquals("x86 Linux bzImage, not an AArch64 kernel", refusal(bz));
    }

    @Test
    void hostExecutableIsRefusedAsForeignElf() throws Exception {
        Path bin = Path.of("/bin/true");
        Assumptions.assumeTrue(Files.isReadable(bin) && System.getProperty("os.arch").equals("amd64"),
                "needs an x86-64 host binary");
        assertEquals("ELF file for x86-64 (EM_X86_64), not AArch64", refusal(Files.readAllBytes(bin)));
    }

    @Test
    void brokenImagesAreRefused() {
        assertEquals("truncated: starts like an arm64 Image (\"MZ\") but is shorter than the 64-byte header",
                refusal(Arrays.copyOf(new byte[] {'M', 'Z', 0, 0}, 40)));
        assertEquals("big-endian arm64 Image (flags bit 0 set); only little-endian runs",
                refusal(image(0, 0x10000, 1, 4096)));
        assertEquals("corrupt arm64 Image header: image_size 0x800 is smaller than the file (0x1000 bytes)",
                refusal(image(0, 0x800, 0, 4096)));
        byte[] pe = new byte[128];
        pe[0] = 'M';
        pe[1] = 'Z';
        assertEquals("PE/COFF executable without the arm64 Image magic (\"ARM\\x64\" at 0x38)", refusal(pe));
    }

    @Test
    void gzipMustHoldAnImage() throws Exception {
        KernelImage k = KernelImage.identify(gzip(image(0, 0x10000, 0xa, 4096)));
        assertInstanceOf(KernelImage.ArmLinux.class, k);
        assertEquals("gzip-compressed file that does not hold an arm64 Image", refusal(gzip(new byte[] {0, 0, 0, 0x14})));
        assertTrue(refusal(new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2}).startsWith("corrupt gzip data"));
    }

    private static byte[] gzip(byte[] data) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(data);
        }
        return out.toByteArray();
    }
}
