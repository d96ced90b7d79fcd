package dev.armature.linuxuser;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.loader.ElfFile;
import dev.armature.loader.ElfWriter;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;

/** Hand-assembled guest programs and a captured-stdio process around them, for user-mode tests. */
final class GuestPrograms {
    static final long TEXT = 0x400000;
    static final long DATA = 0x410000;
    static final long CODE = TEXT + ElfWriter.codeOffset();

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    static int movz(int rd, int imm16, int shift) {
        return 0xd280_0000 | (shift / 16) << 21 | imm16 << 5 | rd;
    }

    static int movk(int rd, int imm16, int shift) {
        return 0xf280_0000 | (shift / 16) << 21 | imm16 << 5 | rd;
    }

    static final int SVC0 = 0xd400_0001;

    static byte[] words(int... w) {
        ByteBuffer b = ByteBuffer.allocate(4 * w.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : w) {
            b.putInt(x);
        }
        return b.array();
    }

    static ElfFile elf(byte[] code, byte[] data, long dataSize) throws ElfFile.ElfException {
        return ElfFile.parse(ElfWriter.executable(TEXT, code, DATA, data, dataSize, CODE));
    }

    UserProcess load(ElfFile elf, List<String> argv, List<String> env) throws ElfFile.ElfException {
        UserProcess.Config c = UserProcess.Config.of(CpuModel.CORTEX_A57, env, new ByteArrayInputStream(new byte[0]),
                out, err);
        return UserProcess.load(elf, Path.of("/test/prog"), argv, c);
    }

    /** {@link #load} under the accelerator {@code accel} (as {@code -accel} takes it). */
    UserProcess load(ElfFile elf, List<String> argv, List<String> env, String accel) throws ElfFile.ElfException {
        UserProcess.Config c = UserProcess.Config.of(CpuModel.CORTEX_A57, env, new ByteArrayInputStream(new byte[0]),
                out, err).withAccel(accel);
        return UserProcess.load(elf, Path.of("/test/prog"), argv, c);
    }

    /** A process with 8 KiB of data at {@link #DATA} and a word of code that is never run. */
    UserProcess scratch() throws ElfFile.ElfException {
        return load(elf(words(SVC0), new byte[0], 0x2000), List.of("prog"), List.of());
    }
}
