package dev.armature.linuxuser;

import dev.armature.memory.PhysicalMemory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The user process's memory: page-granular mappings (like the kernel's VMAs), each backed by its own zeroed RAM
 * region in the guest physical space. The MMU is off at EL0 in user mode, so virtual = physical.
 *
 * <p>Protections are recorded (for {@code mprotect} and diagnostics) but not enforced: without stage-1 tables
 * the CPU cannot check them. Every mapping change calls {@code tlbFlush} so no vCPU keeps a stale page.
 */
public final class AddressSpace {
    public static final long PAGE = 4096;
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int PROT_EXEC = 4;

    /** One mapping; {@code mem} backs exactly [start, end). */
    public record Mapping(long start, long end, int prot, String what, MemorySegment mem) {
        long size() {
            return end - start;
        }
    }

    private final PhysicalMemory phys;
    private final Runnable tlbFlush;
    private final TreeMap<Long, Mapping> maps = new TreeMap<>();

    public AddressSpace(PhysicalMemory phys, Runnable tlbFlush) {
        this.phys = phys;
        this.tlbFlush = tlbFlush;
    }

    public static long pageDown(long a) {
        return a & -PAGE;
    }

    public static long pageUp(long a) {
        return (a + PAGE - 1) & -PAGE;
    }

    /** Maps zeroed pages at [start, start + length), both page-aligned; the range must be free. */
    public void map(long start, long length, int prot, String what) {
        if ((start | length) % PAGE != 0 || length <= 0) {
            throw new IllegalArgumentException(String.format("unaligned mapping 0x%x+0x%x", start, length));
        }
        if (!isFree(start, length)) {
            throw new IllegalArgumentException(String.format("mapping 0x%x+0x%x overlaps an existing one",
                    start, length));
        }
        // An automatic arena: the segment is freed by the GC once unmapped and no TLB refers to it.
        MemorySegment mem = Arena.ofAuto().allocate(length, PAGE);
        install(new Mapping(start, start + length, prot, what, mem));
    }

    private void install(Mapping m) {
        phys.addRam(regionName(m.start()), m.start(), m.mem());
        maps.put(m.start(), m);
    }

    private static String regionName(long start) {
        return "user@" + Long.toHexString(start);
    }

    /** Removes every page of [start, start + length) from the mappings, splitting partially covered ones. */
    public void unmap(long start, long length) {
        long end = start + length;
        for (Mapping m : overlapping(start, end)) {
            phys.remove(regionName(m.start()));
            maps.remove(m.start());
            if (m.start() < start) {
                install(new Mapping(m.start(), start, m.prot(), m.what(), m.mem().asSlice(0, start - m.start())));
            }
            if (end < m.end()) {
                install(new Mapping(end, m.end(), m.prot(), m.what(), m.mem().asSlice(end - m.start())));
            }
        }
        tlbFlush.run();
    }

    /** Sets the recorded protection of the mapped pages in [start, end); false if any page there is unmapped. */
    public boolean protect(long start, long length, int prot) {
        long end = start + length;
        if (!isMapped(start, end)) {
            return false;
        }
        for (Mapping m : overlapping(start, end)) {
            phys.remove(regionName(m.start()));
            maps.remove(m.start());
            long a = Math.max(start, m.start());
            long b = Math.min(end, m.end());
            if (m.start() < a) {
                install(new Mapping(m.start(), a, m.prot(), m.what(), m.mem().asSlice(0, a - m.start())));
            }
            install(new Mapping(a, b, prot, m.what(), m.mem().asSlice(a - m.start(), b - a)));
            if (b < m.end()) {
                install(new Mapping(b, m.end(), m.prot(), m.what(), m.mem().asSlice(b - m.start())));
            }
        }
        tlbFlush.run();
        return true;
    }

    private List<Mapping> overlapping(long start, long end) {
        List<Mapping> out = new ArrayList<>();
        Map.Entry<Long, Mapping> first = maps.floorEntry(start);
        Long from = first != null && first.getValue().end() > start ? first.getKey() : Long.valueOf(start);
        for (Mapping m : maps.subMap(from, true, end, false).values()) {
            if (m.end() > start) {
                out.add(m);
            }
        }
        return out;
    }

    public boolean isFree(long start, long length) {
        return overlapping(start, start + length).isEmpty();
    }

    /** True if every byte of [start, end) is mapped. */
    public boolean isMapped(long start, long end) {
        long at = start;
        for (Mapping m : overlapping(start, end)) {
            if (m.start() > at) {
                return false;
            }
            at = m.end();
        }
        return at >= end;
    }

    /** The highest page-aligned free range of {@code length} bytes below {@code top}, or -1. */
    public long findFreeBelow(long top, long length) {
        long candidateEnd = top;
        for (Mapping m : maps.headMap(top, false).descendingMap().values()) {
            if (m.end() <= candidateEnd - length) {
                break; // the gap above this mapping is large enough
            }
            candidateEnd = Math.min(candidateEnd, m.start());
        }
        long start = candidateEnd - length;
        return start >= PAGE ? start : -1;
    }

    public List<Mapping> mappings() {
        return List.copyOf(maps.values());
    }

    // ---- guest memory access for the loader and system calls (fault = the range is not mapped) ----

    /** A guest range that is not mapped: system calls turn it into EFAULT. */
    public static final class Fault extends Exception {
        public Fault(long address) {
            super(String.format("unmapped guest address 0x%x", address), null, false, false);
        }
    }

    private Mapping at(long va) throws Fault {
        Map.Entry<Long, Mapping> e = maps.floorEntry(va);
        if (e == null || e.getValue().end() <= va) {
            throw new Fault(va);
        }
        return e.getValue();
    }

    /**
     * Host writes (loader, system calls) go straight to the backing memory, so they tell the translator, whose
     * translations of code on those pages become stale, as guest stores do.
     */
    public void write(long va, byte[] src, int off, int len) throws Fault {
        phys.codePages().written(va, len, false);
        while (len > 0) {
            Mapping m = at(va);
            int n = (int) Math.min(len, m.end() - va);
            MemorySegment.copy(src, off, m.mem(), ValueLayout.JAVA_BYTE, va - m.start(), n);
            va += n;
            off += n;
            len -= n;
        }
    }

    /** Zeroes [va, va + len). */
    public void zero(long va, long len) throws Fault {
        phys.codePages().written(va, len, false);
        while (len > 0) {
            Mapping m = at(va);
            long n = Math.min(len, m.end() - va);
            m.mem().asSlice(va - m.start(), n).fill((byte) 0);
            va += n;
            len -= n;
        }
    }

    /** Copies {@code len} bytes from {@code src} to {@code dst} (non-overlapping ranges). */
    public void copy(long src, long dst, long len) throws Fault {
        phys.codePages().written(dst, len, false);
        while (len > 0) {
            Mapping from = at(src);
            Mapping to = at(dst);
            long n = Math.min(len, Math.min(from.end() - src, to.end() - dst));
            MemorySegment.copy(from.mem(), src - from.start(), to.mem(), dst - to.start(), n);
            src += n;
            dst += n;
            len -= n;
        }
    }

    public void write(long va, byte[] src) throws Fault {
        write(va, src, 0, src.length);
    }

    public void read(long va, byte[] dst, int off, int len) throws Fault {
        while (len > 0) {
            Mapping m = at(va);
            int n = (int) Math.min(len, m.end() - va);
            MemorySegment.copy(m.mem(), ValueLayout.JAVA_BYTE, va - m.start(), dst, off, n);
            va += n;
            off += n;
            len -= n;
        }
    }

    public byte[] read(long va, int len) throws Fault {
        byte[] b = new byte[len];
        read(va, b, 0, len);
        return b;
    }

    public long readLong(long va) throws Fault {
        byte[] b = read(va, 8);
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | (b[i] & 0xff);
        }
        return v;
    }

    public void writeLong(long va, long value) throws Fault {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (value >>> (8 * i));
        }
        write(va, b);
    }

    public int readInt(long va) throws Fault {
        return (int) readLong32(va);
    }

    private long readLong32(long va) throws Fault {
        byte[] b = read(va, 4);
        return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (long) (b[3] & 0xff) << 24;
    }

    public void writeInt(long va, int value) throws Fault {
        write(va, new byte[] {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)});
    }

    /** Reads a NUL-terminated string of at most {@code max} bytes (UTF-8). */
    public String readCString(long va, int max) throws Fault {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < max; i++) {
            Mapping m = at(va + i);
            byte c = m.mem().get(ValueLayout.JAVA_BYTE, va + i - m.start());
            if (c == 0) {
                return out.toString(StandardCharsets.UTF_8);
            }
            out.write(c);
        }
        throw new Fault(va + max);
    }
}
