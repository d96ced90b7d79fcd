package dev.armature.loader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed 64-bit little-endian AArch64 ELF file: the header fields a loader needs and the program headers.
 * Pure parsing: it knows nothing about guest memory. Every malformation is reported as an {@link ElfException}
 * naming what is wrong.
 */
public final class ElfFile {
    public static final int ET_EXEC = 2;
    public static final int ET_DYN = 3;
    public static final int EM_AARCH64 = 183;

    public static final int PT_LOAD = 1;
    public static final int PT_DYNAMIC = 2;
    public static final int PT_INTERP = 3;
    public static final int PT_PHDR = 6;
    public static final int PT_TLS = 7;
    public static final int PT_GNU_STACK = 0x6474_e551;

    public static final int PF_X = 1;
    public static final int PF_W = 2;
    public static final int PF_R = 4;

    /** Size of the ELF64 header and of one ELF64 program header. */
    public static final int EHDR_SIZE = 64;
    public static final int PHDR_SIZE = 56;

    /** One ELF64 program header (Elf64_Phdr). */
    public record ProgramHeader(int type, int flags, long offset, long vaddr, long paddr, long filesz, long memsz,
                                long align) {
        public boolean isLoad() {
            return type == PT_LOAD;
        }
    }

    /** A file that is not a well-formed AArch64 ELF64 image. */
    public static final class ElfException extends Exception {
        public ElfException(String message) {
            super(message);
        }
    }

    private final byte[] data;
    private final int type;
    private final long entry;
    private final long phoff;
    private final List<ProgramHeader> programHeaders;

    private ElfFile(byte[] data, int type, long entry, long phoff, List<ProgramHeader> programHeaders) {
        this.data = data;
        this.type = type;
        this.entry = entry;
        this.phoff = phoff;
        this.programHeaders = programHeaders;
    }

    /** Reads and parses the file at {@code path}. */
    public static ElfFile read(Path path) throws IOException, ElfException {
        return parse(Files.readAllBytes(path));
    }

    /** Parses an in-memory ELF image; the array is kept (not copied) for {@link #contents}. */
    public static ElfFile parse(byte[] data) throws ElfException {
        if (data.length < 4 || data[0] != 0x7f || data[1] != 'E' || data[2] != 'L' || data[3] != 'F') {
            throw new ElfException("not an ELF file (no \\x7fELF magic)");
        }
        if (data.length < 6) {
            throw new ElfException("truncated ELF header");
        }
        if (data[4] != 2) {
            throw new ElfException("not a 64-bit ELF file (EI_CLASS=" + data[4] + ", need 2 = ELFCLASS64)");
        }
        if (data[5] != 1) {
            throw new ElfException("not a little-endian ELF file (EI_DATA=" + data[5] + ", need 1 = ELFDATA2LSB)");
        }
        if (data.length < EHDR_SIZE) {
            throw new ElfException("truncated ELF header (" + data.length + " bytes, need " + EHDR_SIZE + ")");
        }
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int type = Short.toUnsignedInt(b.getShort(16));
        int machine = Short.toUnsignedInt(b.getShort(18));
        if (machine != EM_AARCH64) {
            throw new ElfException("not an AArch64 ELF file (e_machine=" + machine + ", need " + EM_AARCH64 + ")");
        }
        long entry = b.getLong(24);
        long phoff = b.getLong(32);
        int phentsize = Short.toUnsignedInt(b.getShort(54));
        int phnum = Short.toUnsignedInt(b.getShort(56));
        List<ProgramHeader> phdrs = new ArrayList<>(phnum);
        if (phnum > 0) {
            if (phentsize != PHDR_SIZE) {
                throw new ElfException("bad program headers: e_phentsize=" + phentsize + ", need " + PHDR_SIZE);
            }
            if (phoff < 0 || phoff > data.length || (long) phnum * PHDR_SIZE > data.length - phoff) {
                throw new ElfException(String.format("bad program headers: %d entries at offset 0x%x lie outside "
                        + "the %d-byte file (truncated?)", phnum, phoff, data.length));
            }
            for (int i = 0; i < phnum; i++) {
                int o = (int) phoff + i * PHDR_SIZE;
                ProgramHeader ph = new ProgramHeader(b.getInt(o), b.getInt(o + 4), b.getLong(o + 8),
                        b.getLong(o + 16), b.getLong(o + 24), b.getLong(o + 32), b.getLong(o + 40), b.getLong(o + 48));
                check(ph, i, data.length);
                phdrs.add(ph);
            }
        }
        return new ElfFile(data, type, entry, phoff, List.copyOf(phdrs));
    }

    private static void check(ProgramHeader ph, int i, long fileSize) throws ElfException {
        if (!ph.isLoad()) {
            return;
        }
        if (ph.offset() < 0 || ph.filesz() < 0 || ph.offset() > fileSize || ph.filesz() > fileSize - ph.offset()) {
            throw new ElfException(String.format("bad program header %d: file range [0x%x, +0x%x) lies outside the "
                    + "%d-byte file (truncated?)", i, ph.offset(), ph.filesz(), fileSize));
        }
        if (Long.compareUnsigned(ph.memsz(), ph.filesz()) < 0) {
            throw new ElfException(String.format("bad program header %d: p_memsz 0x%x is smaller than p_filesz 0x%x",
                    i, ph.memsz(), ph.filesz()));
        }
        long end = ph.vaddr() + ph.memsz();
        if (Long.compareUnsigned(end, ph.vaddr()) < 0 && end != 0) {
            throw new ElfException(String.format("bad program header %d: [0x%x, +0x%x) wraps the address space",
                    i, ph.vaddr(), ph.memsz()));
        }
        if (ph.align() > 1 && (Long.bitCount(ph.align()) != 1
                || (ph.vaddr() - ph.offset()) % ph.align() != 0)) {
            throw new ElfException(String.format("bad program header %d: p_align 0x%x is not a power of two "
                    + "congruent with p_vaddr 0x%x and p_offset 0x%x", i, ph.align(), ph.vaddr(), ph.offset()));
        }
    }

    /** e_type: {@link #ET_EXEC}, {@link #ET_DYN}, ... */
    public int type() {
        return type;
    }

    public long entry() {
        return entry;
    }

    /** e_phoff: file offset of the program header table. */
    public long phoff() {
        return phoff;
    }

    public List<ProgramHeader> programHeaders() {
        return programHeaders;
    }

    /** The program header of the given type, or null. */
    public ProgramHeader find(int phType) {
        for (ProgramHeader ph : programHeaders) {
            if (ph.type() == phType) {
                return ph;
            }
        }
        return null;
    }

    /** A copy of {@code length} file bytes at {@code offset} (checked against the file size). */
    public byte[] contents(long offset, long length) {
        if (offset < 0 || length < 0 || offset > data.length || length > data.length - offset) {
            throw new IndexOutOfBoundsException(String.format("[0x%x, +0x%x) outside %d-byte ELF file",
                    offset, length, data.length));
        }
        byte[] out = new byte[(int) length];
        System.arraycopy(data, (int) offset, out, 0, (int) length);
        return out;
    }

    /** The file bytes of a segment (p_filesz bytes at p_offset). */
    public byte[] contents(ProgramHeader ph) {
        return contents(ph.offset(), ph.filesz());
    }

    /** The whole file. */
    public int size() {
        return data.length;
    }
}
