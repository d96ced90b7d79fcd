package dev.armature.loader;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of an ELF64 little-endian file a loader needs: the file header and the program headers
 * (System V gABI, "ELF Header" and "Program Header"). Section headers are not read.
 *
 * @param type    e_type (ET_EXEC = 2, ET_DYN = 3, ...)
 * @param machine e_machine (EM_AARCH64 = 183)
 * @param entry   e_entry
 */
public record ElfFile(int type, int machine, long entry, List<ProgramHeader> programHeaders) {
    public static final int EM_AARCH64 = 183;
    public static final int ET_EXEC = 2;
    public static final int ET_DYN = 3;
    public static final int PT_LOAD = 1;
    public static final int PF_X = 1;
    public static final int PF_W = 2;
    public static final int PF_R = 4;

    private static final int EHDR_SIZE = 64;
    private static final int PHDR_SIZE = 56;

    /** One program header (segment). */
    public record ProgramHeader(int type, int flags, long offset, long vaddr, long paddr, long filesz, long memsz,
                                long align) {
    }

    /** True if {@code data} starts with the ELF magic (whatever its class, byte order or machine). */
    public static boolean hasMagic(byte[] data) {
        return data.length >= 4 && data[0] == 0x7f && data[1] == 'E' && data[2] == 'L' && data[3] == 'F';
    }

    /**
     * Parses the header and program headers, checking that every segment's file bytes lie inside the file.
     * Any machine is accepted here; callers check {@link #machine()}.
     *
     * @throws ImageFormatException saying what is malformed
     */
    public static ElfFile parse(byte[] data) throws ImageFormatException {
        if (!hasMagic(data)) {
            throw new ImageFormatException("not an ELF file (no \\x7fELF magic)");
        }
        if (data.length < EHDR_SIZE) {
            throw new ImageFormatException("truncated ELF header (" + data.length + " of 64 bytes)");
        }
        if (data[4] != 2) {
            throw new ImageFormatException(data[4] == 1 ? "32-bit ELF (ELFCLASS32); only ELF64 is supported"
                    : "bad ELF class " + data[4]);
        }
        if (data[5] != 1) {
            throw new ImageFormatException(data[5] == 2 ? "big-endian ELF; only little-endian is supported"
                    : "bad ELF data encoding " + data[5]);
        }
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int type = Short.toUnsignedInt(b.getShort(16));
        int machine = Short.toUnsignedInt(b.getShort(18));
        long entry = b.getLong(24);
        long phoff = b.getLong(32);
        int phentsize = Short.toUnsignedInt(b.getShort(54));
        int phnum = Short.toUnsignedInt(b.getShort(56));
        if (phnum > 0 && phentsize < PHDR_SIZE) {
            throw new ImageFormatException("program header entry size " + phentsize + " is smaller than 56");
        }
        if (phnum > 0 && (phoff < 0 || phoff + (long) phnum * phentsize > data.length)) {
            throw new ImageFormatException(String.format(
                    "program header table (offset 0x%x, %d entries) extends past the end of the file", phoff, phnum));
        }
        List<ProgramHeader> phdrs = new ArrayList<>(phnum);
        for (int i = 0; i < phnum; i++) {
            int p = (int) (phoff + (long) i * phentsize);
            ProgramHeader ph = new ProgramHeader(b.getInt(p), b.getInt(p + 4), b.getLong(p + 8), b.getLong(p + 16),
                    b.getLong(p + 24), b.getLong(p + 32), b.getLong(p + 40), b.getLong(p + 48));
            if (ph.type() == PT_LOAD) {
                if (ph.filesz() < 0 || ph.offset() < 0 || ph.offset() + ph.filesz() > data.length
                        || ph.offset() + ph.filesz() < 0) {
                    throw new ImageFormatException(String.format(
                            "segment %d (file offset 0x%x, size 0x%x) extends past the end of the file", i,
                            ph.offset(), ph.filesz()));
                }
                if (Long.compareUnsigned(ph.memsz(), ph.filesz()) < 0) {
                    throw new ImageFormatException(String.format(
                            "segment %d has memsz 0x%x smaller than filesz 0x%x", i, ph.memsz(), ph.filesz()));
                }
            }
            phdrs.add(ph);
        }
        return new ElfFile(type, machine, entry, List.copyOf(phdrs));
    }

    /** The PT_LOAD segments, in file order. */
    public List<ProgramHeader> loadSegments() {
        return programHeaders.stream().filter(p -> p.type() == PT_LOAD).toList();
    }

    /** A short name for common e_machine values, for error messages. */
    public static String machineName(int machine) {
        return switch (machine) {
            case 3 -> "x86 (EM_386)";
            case 8 -> "MIPS";
            case 20 -> "PowerPC";
            case 21 -> "PowerPC64";
            case 40 -> "32-bit Arm (EM_ARM)";
            case 62 -> "x86-64 (EM_X86_64)";
            case EM_AARCH64 -> "AArch64";
            case 243 -> "RISC-V";
            default -> "e_machine " + machine;
        };
    }
}
