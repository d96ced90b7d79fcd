package dev.armature.loader;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes a minimal static AArch64 ELF64 executable (ET_EXEC) from raw bytes: one read+execute segment and an
 * optional read+write segment with extra zeroed memory (.bss). Used by the differential tester and tests to
 * make guest programs without a toolchain.
 */
public final class ElfWriter {
    private static final int HEADERS = ElfFile.EHDR_SIZE + 2 * ElfFile.PHDR_SIZE;
    private static final long ALIGN = 0x10000;

    private ElfWriter() {
    }

    /**
     * @param textAddr address of the text segment, 64 KiB aligned; the headers occupy its first bytes and the
     *                 code starts at {@code textAddr + }{@link #codeOffset()}
     * @param code     instructions
     * @param dataAddr address of the data segment, 64 KiB aligned, above the text
     * @param data     initial data (may be empty)
     * @param dataSize total size of the data segment (at least data.length; the rest is zero)
     * @param entry    entry point
     */
    public static byte[] executable(long textAddr, byte[] code, long dataAddr, byte[] data, long dataSize,
                                    long entry) {
        if (textAddr % ALIGN != 0 || dataAddr % ALIGN != 0 || dataSize < data.length
                || dataSize > 0 && dataAddr < textAddr + codeOffset() + code.length) {
            throw new IllegalArgumentException("bad ELF layout");
        }
        boolean hasData = dataSize > 0;
        int phnum = hasData ? 2 : 1;
        long textSize = codeOffset() + code.length;
        long dataOffset = (textSize + ALIGN - 1) / ALIGN * ALIGN; // congruent with dataAddr modulo p_align
        int fileSize = (int) (hasData ? dataOffset + data.length : textSize);
        ByteBuffer b = ByteBuffer.allocate(fileSize).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        b.putShort(16, (short) ElfFile.ET_EXEC).putShort(18, (short) ElfFile.EM_AARCH64).putInt(20, 1)
                .putLong(24, entry).putLong(32, ElfFile.EHDR_SIZE).putLong(40, 0).putInt(48, 0)
                .putShort(52, (short) ElfFile.EHDR_SIZE).putShort(54, (short) ElfFile.PHDR_SIZE)
                .putShort(56, (short) phnum).putShort(58, (short) 64).putShort(60, (short) 0)
                .putShort(62, (short) 0);
        phdr(b, 0, ElfFile.PF_R | ElfFile.PF_X, 0, textAddr, textSize, textSize);
        if (hasData) {
            phdr(b, 1, ElfFile.PF_R | ElfFile.PF_W, dataOffset, dataAddr, data.length, dataSize);
        }
        b.put(codeOffset(), code);
        if (hasData) {
            b.put((int) dataOffset, data);
        }
        return b.array();
    }

    /** Offset of the code from the start of the text segment (after the ELF and program headers). */
    public static int codeOffset() {
        return HEADERS;
    }

    private static void phdr(ByteBuffer b, int i, int flags, long offset, long addr, long filesz, long memsz) {
        int o = ElfFile.EHDR_SIZE + i * ElfFile.PHDR_SIZE;
        b.putInt(o, ElfFile.PT_LOAD).putInt(o + 4, flags).putLong(o + 8, offset).putLong(o + 16, addr)
                .putLong(o + 24, addr).putLong(o + 32, filesz).putLong(o + 40, memsz).putLong(o + 48, ALIGN);
    }
}
