package dev.armature.vm;

import static dev.armature.vm.Errno.EEXIST;
import static dev.armature.vm.Errno.EFAULT;
import static dev.armature.vm.Errno.EINVAL;
import static dev.armature.vm.Errno.ENOMEM;

import dev.armature.memory.MmioHandler;
import dev.armature.memory.PhysicalMemory;
import dev.armature.memory.Region;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The embedding API's mappings (Unicorn's uc_mem_map/unmap/protect) on a VM's physical address space: RAM and
 * MMIO regions at page granularity, each with a protection, split when part of one is unmapped or re-protected
 * (the parts keep sharing the same host memory). Regions made otherwise (memory slots, GIC frames) are not
 * touched. The caller holds the VM's lock and makes vCPUs drop their TLBs after a change.
 */
final class GuestMemoryMap {
    static final long PAGE_SIZE = 4096;
    private static final String PREFIX = "map-";

    private final PhysicalMemory memory;
    private final int ipaBits;
    private long names;

    GuestMemoryMap(PhysicalMemory memory, int ipaBits) {
        this.memory = memory;
        this.ipaBits = ipaBits;
    }

    void mapRam(long gpa, long size, int prot) {
        checkRange(gpa, size, "map");
        checkProt(prot);
        checkFree(gpa, size);
        try {
            memory.addRegion(new Region(nextName(), gpa, size,
                    memory.allocate(size), null, prot));
        } catch (OutOfMemoryError e) {
            throw new KvmException(ENOMEM, "cannot allocate 0x" + Long.toHexString(size) + " bytes of RAM");
        }
    }

    void mapMmio(long gpa, long size, MmioHandler handler, int prot) {
        checkRange(gpa, size, "map");
        checkProt(prot);
        checkFree(gpa, size);
        memory.addRegion(new Region(nextName(), gpa, size, null, handler, prot));
    }

    /** Unmaps every page of [gpa, gpa + size); all must be mapped by this API (MMIO regions only whole). */
    void unmap(long gpa, long size) {
        List<Region> affected = covering(gpa, size, "unmap");
        for (Region r : affected) {
            memory.replace(r, parts(r, gpa, size, -1));
        }
    }

    /** Sets the protection of every page of [gpa, gpa + size); all must be mapped by this API. */
    void protect(long gpa, long size, int prot) {
        checkProt(prot);
        List<Region> affected = covering(gpa, size, "protect");
        for (Region r : affected) {
            memory.replace(r, parts(r, gpa, size, prot));
        }
    }

    /** {@code r} without [gpa, gpa + size) (prot &lt; 0), or with that part re-protected. */
    private List<Region> parts(Region r, long gpa, long size, int prot) {
        long lo = Math.max(r.base(), gpa);
        long hi = Math.min(r.end(), gpa + size);
        List<Region> parts = new ArrayList<>();
        if (!r.isRam()) {
            if (prot >= 0) {
                parts.add(new Region(r.name(), r.base(), r.size(), null, r.mmio(), prot));
            }
            return parts;
        }
        if (lo > r.base()) {
            parts.add(slice(r, r.base(), lo, r.prot()));
        }
        if (prot >= 0) {
            parts.add(slice(r, lo, hi, prot));
        }
        if (hi < r.end()) {
            parts.add(slice(r, hi, r.end(), r.prot()));
        }
        return parts;
    }

    private Region slice(Region r, long from, long to, int prot) {
        MemorySegment ram = r.ram().asSlice(from - r.base(), to - from);
        return new Region(nextName(), from, to - from, ram, null, prot);
    }

    /** The API's regions overlapping the range, after checking that they cover it all. */
    private List<Region> covering(long gpa, long size, String what) {
        checkRange(gpa, size, what);
        List<Region> found = new ArrayList<>();
        long next = gpa;
        for (Region r : memory.regions()) { // sorted by base
            if (Long.compareUnsigned(r.end(), gpa) <= 0 || Long.compareUnsigned(r.base(), gpa + size) >= 0) {
                continue;
            }
            if (r.base() > next) {
                break;
            }
            if (!r.name().startsWith(PREFIX)) {
                throw new KvmException(EINVAL, String.format("cannot %s [0x%x, 0x%x): region %s was not mapped"
                        + " by mapRam/mapMmio", what, gpa, gpa + size, r.name()));
            }
            if (!r.isRam() && (r.base() < gpa || r.end() > gpa + size)) {
                throw new KvmException(EINVAL, String.format("cannot %s part of the MMIO region [0x%x, 0x%x)", what,
                        r.base(), r.end()));
            }
            found.add(r);
            next = r.end();
        }
        if (Long.compareUnsigned(next, gpa + size) < 0) {
            throw new KvmException(EINVAL, String.format("cannot %s [0x%x, 0x%x): 0x%x is not mapped", what, gpa,
                    gpa + size, next));
        }
        return found;
    }

    private void checkRange(long gpa, long size, String what) {
        if (size <= 0 || (gpa & (PAGE_SIZE - 1)) != 0 || (size & (PAGE_SIZE - 1)) != 0) {
            throw new KvmException(EINVAL, String.format("%s [0x%x + 0x%x): address and size must be non-zero"
                    + " multiples of 4 KiB", what, gpa, size));
        }
        if (Long.compareUnsigned(gpa + size, 1L << ipaBits) > 0 || gpa + size < gpa) {
            throw new KvmException(EFAULT, String.format("%s [0x%x, 0x%x) is beyond the %d-bit IPA space", what, gpa,
                    gpa + size, ipaBits));
        }
    }

    private static void checkProt(int prot) {
        if ((prot & ~Region.PROT_ALL) != 0) {
            throw new KvmException(EINVAL, "protection 0x" + Integer.toHexString(prot)
                    + " has bits other than PROT_READ, PROT_WRITE, PROT_EXEC");
        }
    }

    private void checkFree(long gpa, long size) {
        for (Region r : memory.regions()) {
            if (Long.compareUnsigned(gpa, r.end()) < 0 && Long.compareUnsigned(r.base(), gpa + size) < 0) {
                throw new KvmException(EEXIST, String.format("[0x%x, 0x%x) overlaps %s [0x%x, 0x%x)", gpa, gpa + size,
                        r.name(), r.base(), r.end()));
            }
        }
    }

    private String nextName() {
        return PREFIX + names++;
    }
}
