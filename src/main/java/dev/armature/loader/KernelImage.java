package dev.armature.loader;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * A kernel file given with {@code -kernel}, identified by its contents.
 *
 * <p>QEMU loads any file it does not recognise as a raw image. Armature does the same for binary files, but
 * refuses files that are obviously not AArch64 kernels, so that a wrong path fails at once instead of booting
 * garbage: empty files, text files, ELF files of another machine or class, x86 bzImages, PE/COFF files without
 * the arm64 Image magic, U-Boot uImages, truncated Image headers. A gzip-compressed file is decompressed and
 * must hold an arm64 Image (QEMU accepts those too).
 */
public sealed interface KernelImage {
    /** An ELF64 AArch64 executable: segments load at their physical addresses; entered directly at e_entry. */
    record Elf(ElfFile elf) implements KernelImage {
        /** The PT_LOAD segments, in file order. */
        public List<ElfFile.ProgramHeader> loadSegments() {
            return elf.programHeaders().stream().filter(ElfFile.ProgramHeader::isLoad).toList();
        }
    }

    /**
     * An arm64 Linux {@code Image} (Documentation/arch/arm64/booting.rst): 64-byte header with magic "ARM\x64"
     * at 0x38, text_offset at 8, image_size at 16, flags at 24.
     */
    record ArmLinux(byte[] data, long textOffset, long imageSize, long flags) implements KernelImage {
    }

    /** A flat binary, entered at its first byte. */
    record Raw(byte[] data) implements KernelImage {
    }

    /** The arm64 Image header's magic, "ARM\x64" read little-endian. */
    int ARM64_MAGIC = 0x644d5241;
    /** The largest gzip-compressed image's decompressed size accepted. */
    long MAX_DECOMPRESSED = 1L << 30;

    /**
     * Identifies {@code data}.
     *
     * @throws ImageFormatException naming why the file is refused
     */
    static KernelImage identify(byte[] data) throws ImageFormatException {
        if (data.length == 0) {
            throw new ImageFormatException("the file is empty");
        }
        if (data.length >= 2 && (data[0] & 0xff) == 0x1f && (data[1] & 0xff) == 0x8b) {
            KernelImage inner = identify(gunzip(data));
            if (!(inner instanceof ArmLinux)) {
                throw new ImageFormatException("gzip-compressed file that does not hold an arm64 Image");
            }
            return inner;
        }
        int magic = data.length >= 4 ? ByteBuffer.wrap(data).getInt(0) : 0; // big-endian: bytes in file order
        if (magic == 0x7f454c46) { // "\x7fELF"
            return elf(data);
        }
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        boolean mz = data.length >= 2 && data[0] == 'M' && data[1] == 'Z';
        if (data.length >= 64 && b.getInt(0x38) == ARM64_MAGIC) {
            return armLinux(data, b);
        }
        if (mz) {
            throw new ImageFormatException(data.length < 64
                    ? "truncated: starts like an arm64 Image (\"MZ\") but is shorter than the 64-byte header"
                    : "PE/COFF executable without the arm64 Image magic (\"ARM\\x64\" at 0x38)");
        }
        if (data.length >= 0x206 && b.getInt(0x202) == 0x53726448) { // "HdrS"
            throw new ImageFormatException("x86 Linux bzImage, not an AArch64 kernel");
        }
        if (magic == 0x27051956) {
            throw new ImageFormatException("U-Boot uImage, which Armature does not load (use the Image or ELF)");
        }
        if (looksLikeText(data)) {
            throw new ImageFormatException("looks like a text file, not a kernel image");
        }
        return new Raw(data);
    }

    private static Elf elf(byte[] data) throws ImageFormatException {
        // e_machine sits at the same offset in ELF32 and ELF64; name a foreign machine before anything else.
        if (data.length >= 20 && (data[5] == 1 || data[5] == 2)) {
            ByteOrder order = data[5] == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
            int machine = Short.toUnsignedInt(ByteBuffer.wrap(data).order(order).getShort(18));
            if (machine != ElfFile.EM_AARCH64) {
                throw new ImageFormatException("ELF file for " + machineName(machine) + ", not AArch64");
            }
        }
        try {
            Elf elf = new Elf(ElfFile.parse(data));
            if (elf.loadSegments().isEmpty()) {
                throw new ImageFormatException("ELF file has no loadable (PT_LOAD) segments");
            }
            return elf;
        } catch (ElfFile.ElfException e) {
            throw new ImageFormatException(e.getMessage());
        }
    }

    private static String machineName(int machine) {
        return switch (machine) {
            case 3 -> "x86 (EM_386)";
            case 8 -> "MIPS (EM_MIPS)";
            case 20 -> "PowerPC (EM_PPC)";
            case 21 -> "PowerPC64 (EM_PPC64)";
            case 40 -> "32-bit Arm (EM_ARM)";
            case 62 -> "x86-64 (EM_X86_64)";
            case 243 -> "RISC-V (EM_RISCV)";
            default -> "e_machine " + machine;
        };
    }

    private static ArmLinux armLinux(byte[] data, ByteBuffer b) throws ImageFormatException {
        long textOffset = b.getLong(8);
        long imageSize = b.getLong(16);
        long flags = b.getLong(24);
        if ((flags & 1) != 0) {
            throw new ImageFormatException("big-endian arm64 Image (flags bit 0 set); only little-endian runs");
        }
        if (imageSize != 0 && Long.compareUnsigned(data.length, imageSize) > 0) {
            throw new ImageFormatException(String.format(
                    "corrupt arm64 Image header: image_size 0x%x is smaller than the file (0x%x bytes)",
                    imageSize, data.length));
        }
        if (Long.compareUnsigned(textOffset, 1L << 32) >= 0) {
            throw new ImageFormatException(String.format("corrupt arm64 Image header: text_offset 0x%x", textOffset));
        }
        return new ArmLinux(data, textOffset, imageSize, flags);
    }

    private static byte[] gunzip(byte[] data) throws ImageFormatException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
            byte[] out = in.readNBytes((int) Math.min(MAX_DECOMPRESSED, Integer.MAX_VALUE - 8));
            if (in.read() != -1) {
                throw new ImageFormatException("gzip-compressed file decompresses to more than 1 GiB");
            }
            return out;
        } catch (IOException e) {
            throw new ImageFormatException("corrupt gzip data: " + e.getMessage());
        }
    }

    /** Text: the first 4 KiB are valid UTF-8 with no control characters other than tab, CR, LF, FF. */
    private static boolean looksLikeText(byte[] data) {
        int n = Math.min(data.length, 4096);
        for (int i = 0; i < n; i++) {
            int c = data[i] & 0xff;
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' || c == 0x7f) {
                return false;
            }
        }
        int end = n;
        if (n < data.length) { // the sample may cut a multi-byte character: drop its partial tail
            while (end > n - 3 && (data[end - 1] & 0xc0) == 0x80) {
                end--;
            }
            if ((data[end - 1] & 0xc0) == 0xc0) {
                end--;
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data, 0, end));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
