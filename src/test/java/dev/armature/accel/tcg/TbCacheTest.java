package dev.armature.accel.tcg;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.DecodeCache;
import dev.armature.arch.aarch64.Insn;
import dev.armature.memory.CodePages;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The code budget counts as QEMU's code buffer does: invalidated TBs keep their room until a flush. */
class TbCacheTest {
    private static final int ADD = 0x91000400; // add x0, x0, #0x1
    private static final int B_SELF = 0x14000000; // b .

    private final DecodeCache decode = new DecodeCache(CpuModel.MAX);
    private final TbTranslator translator = new TbTranslator();

    private Tb tb(long pa) {
        int[] words = {ADD, ADD, B_SELF};
        Insn[] insns = {decode.get(ADD), decode.get(ADD), decode.get(B_SELF)};
        return translator.translate(new TbKey(pa, pa, 1), insns, words, true, null);
    }

    @Test
    void footprintCountsClassFileMetadataAndCodePerInstruction() {
        Tb t = tb(0x1000);
        assertEquals(t.codeBytes + TbCache.CLASS_OVERHEAD + 3L * TbCache.JIT_BYTES_PER_INSN, TbCache.footprint(t));
    }

    @Test
    void invalidatedTbsKeepTheirRoomUntilTheFlush() {
        TcgStats stats = new TcgStats();
        long one = TbCache.footprint(tb(0x1000));
        TbCache cache = new TbCache(new CodePages(), stats, one * 3 / 2); // room for one TB, not two
        Tb a = tb(0x1000);
        assertNotNull(cache.insert(a, cache.sequence()));
        cache.invalidate(0x1000, 4, TcgStats.Invalidation.GUEST_WRITE);
        assertEquals(0, stats.flushes(), "invalidation gives nothing back");
        assertNotNull(cache.insert(tb(0x1000), cache.sequence())); // the retranslation does not fit
        assertEquals(1, stats.flushes());
        cache.snapshot();
        assertEquals(1, stats.liveTbs);
        assertTrue(stats.usedBytes < one * 3 / 2, "the budget starts empty after a flush");
    }

    /** Regression: the flush of an empty cache at start (probe set-up) was counted, so "flushes &gt; 0" proved nothing. */
    @Test
    void onlyFlushesThatDropSomethingAreCounted() {
        TcgStats stats = new TcgStats();
        TbCache cache = new TbCache(new CodePages(), stats, 1 << 20);
        cache.flush();
        assertEquals(0, stats.flushes(), "nothing to drop");
        assertNotNull(cache.insert(tb(0x1000), cache.sequence()));
        cache.flush();
        assertEquals(1, stats.flushes());
    }

    /**
     * Regression (found by -lockstep): an invalidation counted its sequence before unmarking the page, so a
     * translation could sample the new sequence, find the page still marked, lose the mark, and insert a TB whose
     * page no longer reported writes (a patched function stayed 3 versions stale). The invalidation is frozen
     * here between removing the TB and unmarking the page, by holding the statistics lock it takes in between.
     */
    @Test
    void anInvalidationCountsItsSequenceOnlyAfterUnmarkingThePage() throws Exception {
        TcgStats stats = new TcgStats();
        CodePages pages = new CodePages();
        TbCache cache = new TbCache(pages, stats, 1 << 20);
        pages.mark(0x1000, null);
        assertNotNull(cache.insert(tb(0x1000), cache.sequence()));
        long before = cache.sequence();
        Thread writer;
        synchronized (stats) {
            writer = Thread.ofPlatform().start(() -> cache.invalidate(0x1000, 4, TcgStats.Invalidation.GUEST_WRITE));
            while (writer.getState() != Thread.State.BLOCKED) {
                Thread.onSpinWait();
            }
            assertTrue(pages.isCode(0x1000), "frozen before the unmarking");
            assertEquals(before, cache.sequence(), "a translation sampling now must be dropped at insert");
        }
        writer.join();
        assertEquals(false, pages.isCode(0x1000));
        assertTrue(cache.sequence() != before);
    }

    @Test
    void aTbThatFitsTakesNoFlush() {
        TcgStats stats = new TcgStats();
        TbCache cache = new TbCache(new CodePages(), stats, 1 << 20);
        for (int i = 0; i < 10; i++) {
            assertNotNull(cache.insert(tb(0x1000 + 64L * i), cache.sequence()));
        }
        assertEquals(0, stats.flushes());
    }
}
