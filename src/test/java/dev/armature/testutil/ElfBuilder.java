package dev.armature.testutil;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds minimal ELF64 little-endian files with one PT_LOAD segment, for loader tests. */
public final class ElfBuilder {
    private ElfBuilder() {
    }

    /** One R+X PT_LOAD segment holding {@code code} at {@code paddr} (= vaddr), memsz {@code memsz}. */
    public static byte[] elf(int machine, long entry, long paddr, byte[] code, long memsz) {
        ByteBuffer b = ByteBuffer.allocate(64 + 56 + code.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1});
        b.putShort(16, (short) 2).putShort(18, (short) machine).putInt(20, 1).putLong(24, entry)
                .putLong(32, 64).putShort(52, (short) 64).putShort(54, (short) 56).putShort(56, (short) 1);
        b.putInt(64, 1).putInt(68, 5).putLong(72, 120).putLong(80, paddr).putLong(88, paddr)
                .putLong(96, code.length).putLong(104, memsz).putLong(112, 0);
        b.put(120, code);
        return b.array();
    }
}
