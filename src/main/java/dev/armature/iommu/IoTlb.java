package dev.armature.iommu;

import dev.armature.vm.Errno;

import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * The translation lookaside buffer of one SMMU instance, shared by all its context banks: a fixed number of
 * entries, each caching one mapping (of any page size) tagged with its bank, replaced least recently used first.
 * Not thread-safe; the owning {@link Smmu} serialises access.
 */
public final class IoTlb {
    private record Tag(int bank, long va, long size) {
    }

    private static final PageSize[] SIZES = PageSize.DESCENDING.toArray(PageSize[]::new);

    private final int capacity;
    private final LinkedHashMap<Tag, Mapping> entries;
    private long hits;
    private long misses;
    private long evictions;
    private final int[] entriesOfSize = new int[PageSize.values().length]; // lookups skip sizes not cached

    IoTlb(int capacity) {
        if (capacity < 1) {
            throw Refusal.of(Errno.EINVAL, "TLB needs at least one entry, not %d", capacity);
        }
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(capacity * 2, 0.75f, true);
    }

    /** The cached mapping of {@code va} in {@code bank}, counting a hit or a miss. */
    Mapping lookup(int bank, long va) {
        for (PageSize s : SIZES) {
            if (entriesOfSize[s.ordinal()] == 0) {
                continue;
            }
            Mapping m = entries.get(new Tag(bank, va & -s.bytes(), s.bytes()));
            if (m != null) {
                hits++;
                return m;
            }
        }
        misses++;
        return null;
    }

    void fill(int bank, Mapping m) {
        if (entries.size() >= capacity) {
            Iterator<Tag> lru = entries.keySet().iterator();
            forget(lru.next());
            lru.remove();
            evictions++;
        }
        if (entries.put(new Tag(bank, m.va(), m.size()), m) == null) {
            entriesOfSize[PageSize.of(m.size()).ordinal()]++;
        }
    }

    /** Drops every entry of {@code bank} (context switch, mappings removed). */
    void invalidate(int bank) {
        entries.keySet().removeIf(t -> {
            if (t.bank() == bank) {
                forget(t);
                return true;
            }
            return false;
        });
    }

    private void forget(Tag t) {
        entriesOfSize[PageSize.of(t.size()).ordinal()]--;
    }

    public int capacity() {
        return capacity;
    }

    public int occupancy() {
        return entries.size();
    }

    public long hits() {
        return hits;
    }

    public long misses() {
        return misses;
    }

    public long evictions() {
        return evictions;
    }

    public void resetCounters() {
        hits = misses = evictions = 0;
    }

    @Override
    public String toString() {
        return String.format("TLB %d/%d entries, %d hits, %d misses, %d evictions",
                entries.size(), capacity, hits, misses, evictions);
    }
}
