package dev.armature.arch.aarch64.insn;

import static dev.armature.arch.aarch64.insn.LoadStoreTestSupport.DATA;
import static dev.armature.arch.aarch64.insn.LoadStoreTestSupport.MMIO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.Decoder;
import dev.armature.arch.aarch64.Esr;
import dev.armature.arch.aarch64.Undefined;
import org.junit.jupiter.api.Test;

/** ARMv8.1 LSE: CAS, CASP, LD&lt;op&gt;, SWP, ST&lt;op&gt;; UNDEFINED without LSE. */
class AtomicMemoryTest {
    private static final int[] LSE_WORDS = {0xc8a17c02, 0x08a17c02, 0x88e1fc02, 0x48e17c02, 0x48227c04, 0x0862fc04,
        0xf8210002, 0xb8e11002, 0x78212002, 0xf8213002, 0xf8214002, 0x38215002, 0x78216002, 0x38217002, 0xf8218002,
        0x38e18002, 0xb821001f, 0xf8e10002};

    private final LoadStoreTestSupport t = new LoadStoreTestSupport(CpuModel.MAX);

    /** Runs one atomic with X0 = DATA, memory = {@code memory} (8 bytes), X1 = {@code x1}; returns X2. */
    private long atomic(int word, long memory, long x1) {
        t.mem(DATA, 8, memory).x(0, DATA).x(1, x1).x(2, 0xdead).run(word);
        assertNull(t.exception);
        return t.x(2);
    }

    @Test
    void lseIsUndefinedOnCortexA57() {
        for (int word : LSE_WORDS) {
            assertInstanceOf(Undefined.class, Decoder.decode(word, CpuModel.CORTEX_A57), Integer.toHexString(word));
        }
        LoadStoreTestSupport a57 = new LoadStoreTestSupport(CpuModel.CORTEX_A57);
        a57.mem(DATA, 8, 1).x(0, DATA).x(1, 1).run(0xf8210002); // ldadd x1, x2, [x0]
        assertEquals(Esr.EC_UNKNOWN, a57.exception.ec);
        assertEquals(1L, a57.mem(DATA, 8));
    }

    @Test
    void compareAndSwap() {
        t.mem(DATA, 8, 5).x(0, DATA).x(1, 5).x(2, 9).run(0xc8a17c02); // cas x1, x2, [x0]
        assertEquals(9L, t.mem(DATA, 8));
        assertEquals(5L, t.x(1));
        t.mem(DATA, 8, 6).x(1, 5).run(0xc8a17c02); // fails: X1 gets the value found
        assertEquals(6L, t.mem(DATA, 8));
        assertEquals(6L, t.x(1));
        // casal w1, w2: only the low 32 bits of W1 compare; W1 receives the zero-extended old value.
        t.mem(DATA, 8, 0x7777_7777_0000_0005L).x(1, 0xffff_ffff_0000_0005L).x(2, 0x1_0000_0009L).run(0x88e1fc02);
        assertEquals(0x7777_7777_0000_0009L, t.mem(DATA, 8));
        assertEquals(5L, t.x(1));
        // casb w1, w2 at DATA+3 leaves the other bytes.
        t.mem(DATA, 8, 0x1122_3344_5566_7788L).x(0, DATA + 3).x(1, 0x55).x(2, 0xee).run(0x08a17c02);
        assertEquals(0x1122_3344_ee66_7788L, t.mem(DATA, 8));
        assertEquals(0x55L, t.x(1));
        t.x(0, DATA + 2).x(1, 0x1234).x(2, 0).run(0x48e17c02); // casah w1, w2 fails
        assertEquals(0xee66L, t.x(1));
        assertEquals(0x1122_3344_ee66_7788L, t.mem(DATA, 8));
    }

    @Test
    void compareAndSwapPair() {
        t.mem(DATA, 8, 1).mem(DATA + 8, 8, 2).x(0, DATA).x(2, 1).x(3, 2).x(4, 40).x(5, 50);
        t.run(0x48227c04); // casp x2, x3, x4, x5, [x0]
        assertEquals(40L, t.mem(DATA, 8));
        assertEquals(50L, t.mem(DATA + 8, 8));
        assertEquals(1L, t.x(2));
        assertEquals(2L, t.x(3));
        t.x(2, 40).x(3, 51).run(0x48227c04); // second half differs: no store
        assertEquals(40L, t.mem(DATA, 8));
        assertEquals(40L, t.x(2));
        assertEquals(50L, t.x(3));
        t.mem(DATA, 8, 0x0000_0002_0000_0001L).x(2, 1).x(3, 2).x(4, 3).x(5, 4).run(0x0862fc04); // caspal w2, w3..
        assertEquals(0x0000_0004_0000_0003L, t.mem(DATA, 8));
        assertEquals(1L, t.x(2));
        assertEquals(2L, t.x(3));
        // casp x30, xzr, x4, x5: compares <X30, 0>; the old second half is discarded.
        t.mem(DATA, 8, 7).mem(DATA + 8, 8, 0).x(30, 7).x(4, 8).x(5, 9).run(0x483e7c04);
        assertEquals(8L, t.mem(DATA, 8));
        assertEquals(9L, t.mem(DATA + 8, 8));
        assertEquals(0L, t.x(31));
        t.x(0, DATA + 8).run(0x48227c04); // X pair needs 16-byte alignment
        assertEquals(Esr.FSC_ALIGNMENT, t.exception.iss & 0x3f);
        assertInstanceOf(Undefined.class, Decoder.decode(0x48237c04, CpuModel.MAX)); // odd Rs
    }

    @Test
    void loadOperations() {
        assertEquals(10L, atomic(0xf8210002, 10, 5)); // ldadd x1, x2, [x0]
        assertEquals(15L, t.mem(DATA, 8));
        assertEquals(0xffL, atomic(0xb8e11002, 0xff, 0x0f)); // ldclral w1, w2, [x0]
        assertEquals(0xf0L, t.mem(DATA, 8));
        assertEquals(0x00ffL, atomic(0x78212002, 0x1_00ff, 0xffff)); // ldeorh w1, w2, [x0]
        assertEquals(0x1_ff00L, t.mem(DATA, 8));
        assertEquals(0x10L, atomic(0xf8213002, 0x10, 0x3)); // ldset x1, x2, [x0]
        assertEquals(0x13L, t.mem(DATA, 8));
        assertEquals(-5L, atomic(0xf8214002, -5, 3)); // ldsmax x1, x2, [x0]
        assertEquals(3L, t.mem(DATA, 8));
        assertEquals(0x8000_0000L, atomic(0xb8214002, 0x8000_0000L, 1)); // ldsmax w1, w2, [x0]
        assertEquals(1L, t.mem(DATA, 8));
        assertEquals(0x80L, atomic(0x38215002, 0x80, 0x7f)); // ldsminb w1, w2, [x0]: -128 stays
        assertEquals(0x80L, t.mem(DATA, 8));
        assertEquals(2L, atomic(0x78216002, 2, 0x1_0001)); // ldumaxh w1, w2, [x0]: operand is 1, not 0x10001
        assertEquals(2L, t.mem(DATA, 8));
        assertEquals(0xfeL, atomic(0x38217002, 0xfe, 0x1ff)); // lduminb w1, w2, [x0]: min(0xfe, 0xff)
        assertEquals(0xfeL, t.mem(DATA, 8));
        assertEquals(3L, atomic(0xf8217002, 3, -1)); // ldumin x1, x2, [x0]
        assertEquals(3L, t.mem(DATA, 8));
        assertEquals(0xaaL, atomic(0xf8218002, 0xaa, 0xbb)); // swp x1, x2, [x0]
        assertEquals(0xbbL, t.mem(DATA, 8));
        assertEquals(0x44L, atomic(0x38e18002, 0x1122_3344L, 0x99)); // swpalb w1, w2, [x0]
        assertEquals(0x1122_3399L, t.mem(DATA, 8));
        assertEquals(7L, atomic(0xf8e10002, 7, -7)); // ldaddal x1, x2, [x0]
        assertEquals(0L, t.mem(DATA, 8));
        assertEquals(0xdeadL, atomic(0xb821001f, 0x1_ffff_ffffL, 1)); // stadd w1, [x0]: 32-bit wrap, X2 untouched
        assertEquals(0x1_0000_0000L, t.mem(DATA, 8));
        assertEquals("stadd w1, [x0]", Decoder.decode(0xb821001f, CpuModel.MAX).toString());
    }

    @Test
    void atomicsOnMmioAbortAndMisalignedFault() {
        t.x(0, MMIO).x(1, 1).run(0xf8210002); // ldadd x1, x2, [x0]
        assertEquals(Esr.EC_DABT_SAME, t.exception.ec);
        assertEquals(Esr.FSC_SYNC_EXTERNAL, t.exception.iss & 0x3f);
        t.x(0, DATA + 4).run(0xf8210002);
        assertEquals(Esr.FSC_ALIGNMENT, t.exception.iss & 0x3f);
        t.x(0, 0x1000).run(0xc8a17c02); // cas on unmapped memory
        assertEquals(Esr.FSC_SYNC_EXTERNAL, t.exception.iss & 0x3f);
    }
}
