package dev.armature.migration;

import dev.armature.memory.PhysicalMemory;
import dev.armature.memory.Region;

import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Guest RAM in a snapshot: one section per {@link #BLOCK_SIZE} block of each RAM region, holding only the pages
 * that are not all zero (uncompressed). Payload: u64 guest physical base of the block, u32 page count, then per
 * page its u32 index in the block (ascending) and its {@link #PAGE_SIZE} bytes. Pages a snapshot does not list
 * are zero after a restore.
 */
public final class RamState {
    public static final int PAGE_SIZE = 4096;
    /** Bytes of RAM per section; keeps each section well under the 2 GiB a byte array can hold. */
    public static final long BLOCK_SIZE = 256L << 20;

    private static final MemorySegment ZERO = MemorySegment.ofArray(new byte[PAGE_SIZE]);

    /** Decoded RAM sections, applied by {@link #apply}. */
    public static final class Pages {
        private final List<Long> addresses = new ArrayList<>();
        private final List<byte[]> payloads = new ArrayList<>();
        private final List<Integer> offsets = new ArrayList<>();
    }

    private RamState() {
    }

    /** The RAM regions of {@code mem} in address order. */
    static List<Region> ramRegions(PhysicalMemory mem) {
        return mem.regions().stream().filter(Region::isRam).toList();
    }

    /** Writes the RAM sections. */
    public static void save(PhysicalMemory mem, SnapshotWriter w) throws IOException {
        int instance = 0;
        for (Region r : ramRegions(mem)) {
            for (long off = 0; off < r.size(); off += BLOCK_SIZE) {
                long blockOff = off;
                long length = Math.min(BLOCK_SIZE, r.size() - off);
                w.section(SectionId.RAM, instance++, out -> saveBlock(r, blockOff, length, out));
            }
        }
    }

    private static void saveBlock(Region r, long blockOff, long length, DataOutput out) throws IOException {
        MemorySegment ram = r.ram();
        List<Integer> pages = new ArrayList<>();
        for (int p = 0; (long) p * PAGE_SIZE < length; p++) {
            long off = blockOff + (long) p * PAGE_SIZE;
            if (MemorySegment.mismatch(ram, off, off + PAGE_SIZE, ZERO, 0, PAGE_SIZE) != -1) {
                pages.add(p);
            }
        }
        out.writeLong(r.base() + blockOff);
        out.writeInt(pages.size());
        byte[] page = new byte[PAGE_SIZE];
        for (int p : pages) {
            out.writeInt(p);
            MemorySegment.copy(ram, ValueLayout.JAVA_BYTE, blockOff + (long) p * PAGE_SIZE, page, 0, PAGE_SIZE);
            out.write(page);
        }
    }

    /** Checks the RAM sections against {@code mem}'s layout without writing to it. */
    public static Pages load(PhysicalMemory mem, Snapshot snapshot) throws SnapshotException {
        Pages pages = new Pages();
        int instance = 0;
        for (Region r : ramRegions(mem)) {
            for (long off = 0; off < r.size(); off += BLOCK_SIZE) {
                Snapshot.Section s = snapshot.require(SectionId.RAM, instance++);
                long length = Math.min(BLOCK_SIZE, r.size() - off);
                try {
                    loadBlock(s, r.base() + off, length, pages);
                } catch (IOException e) {
                    throw new SnapshotException("snapshot section " + s.name() + ": " + message(e));
                }
            }
        }
        if (snapshot.sections(SectionId.RAM).size() != instance) {
            throw new SnapshotException("snapshot has " + snapshot.sections(SectionId.RAM).size()
                    + " RAM sections, this VM's RAM needs " + instance);
        }
        return pages;
    }

    private static void loadBlock(Snapshot.Section s, long base, long length, Pages pages) throws IOException {
        DataInputStream in = s.input();
        long savedBase = in.readLong();
        if (savedBase != base) {
            throw new IOException(String.format("block at 0x%x, expected 0x%x", savedBase, base));
        }
        int count = in.readInt();
        long maxPages = length / PAGE_SIZE;
        if (count < 0 || count > maxPages) {
            throw new IOException(count + " pages in a block of " + maxPages);
        }
        int last = -1;
        for (int i = 0; i < count; i++) {
            int p = in.readInt();
            if (p <= last || p >= maxPages) {
                throw new IOException("page index " + p + " out of order or beyond the block");
            }
            last = p;
            pages.addresses.add(base + (long) p * PAGE_SIZE);
            pages.payloads.add(s.payload());
            pages.offsets.add(s.payload().length - in.available());
            in.skipNBytes(PAGE_SIZE);
        }
        if (in.available() != 0) {
            throw new IOException(in.available() + " bytes left over");
        }
    }

    /**
     * Makes RAM hold exactly the decoded pages: listed pages copied in, every other page zeroed (only written if
     * not already zero). Translations of the old contents must be dropped by the caller.
     */
    public static void apply(PhysicalMemory mem, Pages pages) {
        int next = 0;
        for (Region r : ramRegions(mem)) {
            MemorySegment ram = r.ram();
            for (long off = 0; off < r.size(); off += PAGE_SIZE) {
                long pa = r.base() + off;
                if (next < pages.addresses.size() && pages.addresses.get(next) == pa) {
                    MemorySegment.copy(pages.payloads.get(next), pages.offsets.get(next), ram,
                            ValueLayout.JAVA_BYTE, off, PAGE_SIZE);
                    next++;
                } else if (MemorySegment.mismatch(ram, off, off + PAGE_SIZE, ZERO, 0, PAGE_SIZE) != -1) {
                    ram.asSlice(off, PAGE_SIZE).fill((byte) 0);
                }
            }
        }
    }

    static String message(IOException e) {
        return e instanceof EOFException ? "payload is shorter than its contents" : e.getMessage();
    }
}
