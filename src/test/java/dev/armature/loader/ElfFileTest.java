package dev.armature.loader;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ElfFileTest {
    private static final byte[] CODE = {0x20, 0, (byte) 0x80, (byte) 0xd2}; // movz x0, #1

    private static byte[] sample() {
        return ElfWriter.executable(0x400000, CODE, 0x410000, new byte[] {1, 2, 3}, 0x2000, 0x400000 + 120);
    }

    @Test
    void parsesHeaderAndProgramHeaders() throws Exception {
        ElfFile elf = ElfFile.parse(sample());
        assertEquals(ElfFile.ET_EXEC, elf.type());
        assertEquals(0x400078, elf.entry());
        assertEquals(64, elf.phoff());
        assertEquals(2, elf.programHeaders().size());
        ElfFile.ProgramHeader text = elf.programHeaders().get(0);
        assertEquals(new ElfFile.ProgramHeader(ElfFile.PT_LOAD, ElfFile.PF_R | ElfFile.PF_X, 0, 0x400000, 0x400000,
                176 + 4, 176 + 4, 0x10000), text);
        ElfFile.ProgramHeader data = elf.programHeaders().get(1);
        assertEquals(0x10000, data.offset());
        assertEquals(0x410000, data.vaddr());
        assertEquals(3, data.filesz());
        assertEquals(0x2000, data.memsz());
        assertEquals(ElfFile.PF_R | ElfFile.PF_W, data.flags());
        assertArrayEquals(new byte[] {1, 2, 3}, elf.contents(data));
        assertArrayEquals(CODE, elf.contents(ElfWriter.codeOffset(), 4));
        assertEquals(text, elf.find(ElfFile.PT_LOAD));
        assertEquals(null, elf.find(ElfFile.PT_INTERP));
    }

    private static String error(byte[] image) {
        return assertThrows(ElfFile.ElfException.class, () -> ElfFile.parse(image)).getMessage();
    }

    private static byte[] patched(int offset, int size, long value) {
        byte[] b = sample();
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        switch (size) {
            case 1 -> bb.put(offset, (byte) value);
            case 2 -> bb.putShort(offset, (short) value);
            case 4 -> bb.putInt(offset, (int) value);
            default -> bb.putLong(offset, value);
        }
        return b;
    }

    @Test
    void rejectsWhatIsNotAnAarch64Elf64() {
        assertTrue(error("#!/bin/sh\n".getBytes()).startsWith("not an ELF file"));
        assertTrue(error(new byte[0]).startsWith("not an ELF file"));
        assertTrue(error(patched(4, 1, 1)).startsWith("not a 64-bit ELF file"), error(patched(4, 1, 1)));
        assertTrue(error(patched(5, 1, 2)).startsWith("not a little-endian ELF file"));
        assertEquals("not an AArch64 ELF file (e_machine=62, need 183)", error(patched(18, 2, 62)));
    }

    @Test
    void rejectsTruncatedFiles() {
        assertTrue(error(Arrays.copyOf(sample(), 40)).startsWith("truncated ELF header"));
        // Headers intact, second segment's bytes cut off.
        String m = error(Arrays.copyOf(sample(), 0x10001));
        assertTrue(m.startsWith("bad program header 1: file range"), m);
        assertTrue(m.contains("truncated"), m);
        // Program header table itself beyond the end.
        assertTrue(error(patched(32, 8, 0x7fff_0000L)).startsWith("bad program headers"));
    }

    @Test
    void rejectsBadProgramHeaders() {
        assertEquals("bad program headers: e_phentsize=32, need 56", error(patched(54, 2, 32)));
        // p_memsz < p_filesz in segment 1.
        assertTrue(error(patched(64 + 56 + 40, 8, 1)).contains("p_memsz 0x1 is smaller than p_filesz 0x3"));
        // p_align not a power of two.
        assertTrue(error(patched(64 + 48, 8, 0x3000)).contains("p_align 0x3000 is not a power of two"));
    }

    @Test
    void readsAToolchainBuiltExecutableIfPresent() throws Exception {
        java.nio.file.Path exe = ToolchainSupport.compileC("int main(void) { return 0; }", "-static", "-O2");
        if (exe == null) {
            return; // cross compiler absent: reason printed by ToolchainSupport
        }
        ElfFile elf = ElfFile.read(exe);
        assertEquals(ElfFile.ET_EXEC, elf.type());
        assertTrue(elf.programHeaders().stream().anyMatch(ElfFile.ProgramHeader::isLoad));
        assertTrue(elf.entry() >= 0x400000, Long.toHexString(elf.entry()));
    }
}
