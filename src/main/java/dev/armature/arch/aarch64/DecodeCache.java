package dev.armature.arch.aarch64;

/**
 * Decoded instructions by word, for one CPU model. Decoding depends only on (word, model), so the cache needs
 * no invalidation and is shared by all vCPUs; racing fills are harmless because each slot holds one immutable
 * entry.
 */
public final class DecodeCache {
    /**
     * A word and its decoding: immutable, so executors may keep entries after this cache replaced them (the
     * interpreter's decoded-page caches hold them, which shares one entry per word among all vCPUs' pages).
     *
     * @param endsBlock {@code insn.endsBlock()}, read once here instead of by a virtual call per execution
     */
    public record Decoded(int word, Insn insn, boolean endsBlock) {
    }

    private static final int BITS = 16;
    private final Decoded[] entries = new Decoded[1 << BITS];
    private final CpuModel model;

    public DecodeCache(CpuModel model) {
        this.model = model;
    }

    public Insn get(int word) {
        return lookup(word).insn;
    }

    /** The entry for {@code word}, decoded now if this cache does not hold it. */
    public Decoded lookup(int word) {
        int i = (word ^ (word >>> 16) ^ (word >>> 5)) & ((1 << BITS) - 1);
        Decoded e = entries[i];
        if (e != null && e.word == word) {
            return e;
        }
        Insn insn = Decoder.decode(word, model);
        e = new Decoded(word, insn, insn.endsBlock());
        entries[i] = e;
        return e;
    }
}
