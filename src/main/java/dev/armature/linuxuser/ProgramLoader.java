package dev.armature.linuxuser;

import dev.armature.loader.ElfFile;
import dev.armature.loader.ElfFile.ElfException;
import dev.armature.loader.ElfFile.ProgramHeader;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static dev.armature.linuxuser.AddressSpace.pageDown;
import static dev.armature.linuxuser.AddressSpace.pageUp;

/**
 * Maps a static AArch64 Linux executable into an {@link AddressSpace} the way the kernel's ELF loader does:
 * each PT_LOAD's pages hold the file bytes from the page-aligned file offset (so the ELF and program headers
 * are visible in the first segment), the rest of the segment (.bss) is zero.
 */
public final class ProgramLoader {
    /** Where a static-pie (ET_DYN) program goes below {@code limit}: 2/3 of the way up, as Linux's ELF_ET_DYN_BASE. */
    public static long staticPieBase(long limit) {
        return limit / 3 * 2 & -0x10000L;
    }

    /** What the loader placed: addresses already include the load bias. */
    public record LoadedProgram(long entry, long phdr, int phnum, long loadBias, long brkStart) {
    }

    private ProgramLoader() {
    }

    /** Largest segment accepted: each is backed by host memory at once. */
    private static final long MAX_SEGMENT = 4L << 30;

    /** Maps the program's segments, which must lie below {@code limit} (where the mmap area begins). */
    public static LoadedProgram load(ElfFile elf, AddressSpace as, long limit) throws ElfException {
        if (elf.type() != ElfFile.ET_EXEC && elf.type() != ElfFile.ET_DYN) {
            throw new ElfException("not an executable (e_type=" + elf.type() + ", need ET_EXEC or ET_DYN)");
        }
        ProgramHeader interp = elf.find(ElfFile.PT_INTERP);
        if (interp != null) {
            String name = new String(elf.contents(interp), StandardCharsets.UTF_8).replace("\0", "");
            throw new ElfException("dynamically linked program (interpreter " + name
                    + "): user mode runs static programs only; link with -static");
        }
        List<ProgramHeader> loads = new ArrayList<>();
        for (ProgramHeader ph : elf.programHeaders()) {
            if (ph.isLoad() && ph.memsz() > 0) {
                loads.add(ph);
            }
        }
        if (loads.isEmpty()) {
            throw new ElfException("no loadable segments (no PT_LOAD program header)");
        }
        long bias = elf.type() == ElfFile.ET_DYN ? staticPieBase(limit) - pageDown(lowest(loads)) : 0;
        mapSegments(loads, bias, as, limit);
        long brk = 0;
        for (ProgramHeader ph : loads) {
            long start = pageDown(ph.vaddr() + bias);
            long fileStart = ph.offset() - (ph.vaddr() + bias - start);
            if (fileStart < 0) {
                throw new ElfException(String.format("segment at 0x%x: p_offset 0x%x is not congruent to p_vaddr "
                        + "modulo the page size", ph.vaddr(), ph.offset()));
            }
            byte[] bytes = elf.contents(fileStart, ph.vaddr() + bias - start + ph.filesz());
            try {
                as.write(start, bytes);
            } catch (AddressSpace.Fault e) {
                throw new IllegalStateException("segment was just mapped", e);
            }
            brk = Math.max(brk, ph.vaddr() + bias + ph.memsz());
        }
        return new LoadedProgram(elf.entry() + bias, phdrAddress(elf, loads, bias), elf.programHeaders().size(),
                bias, pageUp(brk));
    }

    private static long lowest(List<ProgramHeader> loads) {
        return loads.stream().mapToLong(ProgramHeader::vaddr).min().orElseThrow();
    }

    /** Maps the union of the segments' pages; segments sharing a page share one mapping. */
    private static void mapSegments(List<ProgramHeader> loads, long bias, AddressSpace as, long limit)
            throws ElfException {
        List<long[]> ranges = new ArrayList<>();
        for (ProgramHeader ph : loads) {
            long start = ph.vaddr() + bias;
            if (start < AddressSpace.PAGE) {
                throw new ElfException(String.format("segment at 0x%x lies in the first page, which stays unmapped "
                        + "(so that NULL dereferences fault)", ph.vaddr()));
            }
            if (Long.compareUnsigned(ph.memsz(), MAX_SEGMENT) > 0 || Long.compareUnsigned(start, limit) >= 0
                    || Long.compareUnsigned(start + ph.memsz(), limit) > 0) {
                throw new ElfException(String.format("segment at 0x%x of 0x%x bytes does not fit below 0x%x "
                        + "(or exceeds %d GiB)", ph.vaddr(), ph.memsz(), limit, MAX_SEGMENT >> 30));
            }
            ranges.add(new long[] {pageDown(start), pageUp(start + ph.memsz()), prot(ph.flags())});
        }
        ranges.sort(Comparator.comparingLong(r -> r[0]));
        List<long[]> merged = new ArrayList<>();
        for (long[] r : ranges) {
            long[] last = merged.isEmpty() ? null : merged.getLast();
            if (last != null && r[0] < last[1]) {
                last[1] = Math.max(last[1], r[1]);
                last[2] |= r[2];
            } else {
                merged.add(r);
            }
        }
        for (long[] r : merged) {
            as.map(r[0], r[1] - r[0], (int) r[2], "program");
        }
    }

    private static int prot(int pflags) {
        return ((pflags & ElfFile.PF_R) != 0 ? AddressSpace.PROT_READ : 0)
                | ((pflags & ElfFile.PF_W) != 0 ? AddressSpace.PROT_WRITE : 0)
                | ((pflags & ElfFile.PF_X) != 0 ? AddressSpace.PROT_EXEC : 0);
    }

    /** AT_PHDR: PT_PHDR if present, else where the segment covering e_phoff put the table. */
    private static long phdrAddress(ElfFile elf, List<ProgramHeader> loads, long bias) {
        ProgramHeader phdr = elf.find(ElfFile.PT_PHDR);
        if (phdr != null) {
            return phdr.vaddr() + bias;
        }
        for (ProgramHeader ph : loads) {
            long pageOffset = ph.offset() - (ph.vaddr() - pageDown(ph.vaddr()));
            if (elf.phoff() >= pageOffset && elf.phoff() < ph.offset() + ph.filesz()) {
                return ph.vaddr() + bias + (elf.phoff() - ph.offset());
            }
        }
        return 0;
    }
}
