package dev.armature.arch.aarch64;

/**
 * Decoded instructions by word, for one CPU model. Decoding depends only on (word, model), so the cache needs
 * no invalidation and is shared by all vCPUs; racing fills are harmless because each slot holds one immutable
 * entry.
 */
public final class DecodeCache {
    private record Entry(int word, Insn insn) {
    }

    private static final int BITS = 16;
    private final Entry[] entries = new Entry[1 << BITS];
    private final CpuModel model;

    public DecodeCache(CpuModel model) {
        this.model = model;
    }

    public Insn get(int word) {
        int i = (word ^ (word >>> 16) ^ (word >>> 5)) & ((1 << BITS) - 1);
        Entry e = entries[i];
        if (e != null && e.word == word) {
            return e.insn;
        }
        Insn insn = Decoder.decode(word, model);
        entries[i] = new Entry(word, insn);
        return insn;
    }
}
