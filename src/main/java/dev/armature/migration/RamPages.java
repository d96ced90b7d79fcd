package dev.armature.migration;

import dev.armature.memory.PhysicalMemory;
import dev.armature.memory.Region;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Live migration's RAM sections ({@link SectionId#RAM_PAGES}): the pages one pre-copy round sends, in sections of
 * up to {@link #PAGES_PER_SECTION} pages numbered by a sequence across the stream. Payload: u32 page count, then
 * per page a u64 guest physical address, page aligned, whose bit 0 set means "all zero" (QEMU's duplicate page:
 * nothing follows), else the page's {@link RamState#PAGE_SIZE} bytes. A later copy of a page replaces an earlier
 * one; the destination applies each section as it arrives.
 */
public final class RamPages {
    /** Pages per section: 1 MiB of data, so a section is checked and applied while the next one is in flight. */
    public static final int PAGES_PER_SECTION = 256;
    private static final int PAGE = RamState.PAGE_SIZE;
    private static final long ZERO_FLAG = 1;
    private static final MemorySegment ZERO = MemorySegment.ofArray(new byte[PAGE]);

    private RamPages() {
    }

    /** Counts of what a {@link Sender} sent. */
    public interface Counters {
        void sent(long normalPages, long zeroPages);
    }

    /** Writes pages of one VM's RAM into a stream as RAM_PAGES sections. Used by one thread. */
    public static final class Sender {
        private final SnapshotWriter writer;
        private final PhysicalMemory mem;
        private final Counters counters;
        private int sequence;

        public Sender(SnapshotWriter writer, PhysicalMemory mem, Counters counters) {
            this.writer = writer;
            this.mem = mem;
            this.counters = counters;
        }

        /** Sends every page of every RAM region (the first pre-copy round). */
        public void sendAll() throws IOException {
            for (Region r : RamState.ramRegions(mem)) {
                long pages = r.size() / PAGE;
                long[] batch = new long[PAGES_PER_SECTION];
                for (long p = 0; p < pages; p += PAGES_PER_SECTION) {
                    int n = (int) Math.min(PAGES_PER_SECTION, pages - p);
                    for (int i = 0; i < n; i++) {
                        batch[i] = r.base() + (p + i) * PAGE;
                    }
                    section(batch, 0, n);
                }
            }
        }

        /** Sends the pages at {@code addresses} (physical, page aligned; pages outside RAM are skipped). */
        public void send(long[] addresses) throws IOException {
            for (int i = 0; i < addresses.length; i += PAGES_PER_SECTION) {
                section(addresses, i, Math.min(PAGES_PER_SECTION, addresses.length - i));
            }
        }

        private void section(long[] addresses, int from, int count) throws IOException {
            ByteArrayOutputStream buf = new ByteArrayOutputStream(count * (PAGE + 8) + 4);
            DataOutputStream out = new DataOutputStream(buf);
            byte[] page = new byte[PAGE];
            int listed = 0;
            long normal = 0;
            out.writeInt(0); // count, patched below
            for (int i = from; i < from + count; i++) {
                long pa = addresses[i];
                Region r = mem.find(pa);
                if (r == null || !r.isRam() || !r.contains(pa + PAGE - 1)) {
                    continue; // written through a mapping that is gone: nothing to carry
                }
                long off = pa - r.base();
                listed++;
                if (MemorySegment.mismatch(r.ram(), off, off + PAGE, ZERO, 0, PAGE) == -1) {
                    out.writeLong(pa | ZERO_FLAG);
                } else {
                    MemorySegment.copy(r.ram(), ValueLayout.JAVA_BYTE, off, page, 0, PAGE);
                    out.writeLong(pa);
                    out.write(page);
                    normal++;
                }
            }
            if (listed == 0) {
                return;
            }
            byte[] payload = buf.toByteArray();
            payload[0] = (byte) (listed >>> 24);
            payload[1] = (byte) (listed >>> 16);
            payload[2] = (byte) (listed >>> 8);
            payload[3] = (byte) listed;
            writer.section(SectionId.RAM_PAGES, sequence++, payload);
            counters.sent(normal, listed - normal);
        }
    }

    /**
     * Checks a RAM_PAGES section against {@code mem}'s RAM, then writes its pages. Nothing is written if the section
     * is malformed (a page outside RAM, unaligned, a count that does not match the payload).
     */
    public static void apply(PhysicalMemory mem, Snapshot.Section s) throws SnapshotException {
        try {
            DataInputStream in = s.input();
            int count = in.readInt();
            if (count < 0 || count > PAGES_PER_SECTION) {
                throw new IOException(count + " pages (at most " + PAGES_PER_SECTION + ")");
            }
            long[] addresses = new long[count];
            int[] offsets = new int[count];
            for (int i = 0; i < count; i++) {
                long word = in.readLong();
                long pa = word & ~ZERO_FLAG;
                if ((pa & (PAGE - 1)) != 0) {
                    throw new IOException(String.format("page address 0x%x is not page aligned", pa));
                }
                Region r = mem.find(pa);
                if (r == null || !r.isRam() || !r.contains(pa + PAGE - 1)) {
                    throw new IOException(String.format("page at 0x%x is not RAM of this VM", pa));
                }
                addresses[i] = pa;
                if ((word & ZERO_FLAG) != 0) {
                    offsets[i] = -1;
                } else {
                    offsets[i] = s.payload().length - in.available();
                    in.skipNBytes(PAGE);
                }
            }
            if (in.available() != 0) {
                throw new IOException(in.available() + " bytes left over");
            }
            for (int i = 0; i < count; i++) {
                MemorySegment dst = mem.ramSlice(addresses[i], PAGE);
                if (offsets[i] < 0) {
                    dst.fill((byte) 0);
                } else {
                    MemorySegment.copy(s.payload(), offsets[i], dst, ValueLayout.JAVA_BYTE, 0, PAGE);
                }
            }
        } catch (IOException e) {
            throw new SnapshotException("snapshot section " + s.name() + ": " + RamState.message(e), e);
        }
    }
}
