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

/** Exclusives, load-acquire/store-release and LDAPR. */
class LoadStoreExclusiveTest {
    private static final int LDXR_X1_X0 = 0xc85f7c01; // ldxr x1, [x0]
    private static final int STXR_W2_X3_X0 = 0xc8027c03; // stxr w2, x3, [x0]
    private static final int STXR_W2_X3_X4 = 0xc8027c83; // stxr w2, x3, [x4]

    private final LoadStoreTestSupport t = new LoadStoreTestSupport(CpuModel.MAX);

    @Test
    void exclusivePairSucceedsAndClearsTheMonitor() {
        t.mem(DATA, 8, 10).x(0, DATA).x(3, 99).x(2, 7).run(LDXR_X1_X0, STXR_W2_X3_X0);
        assertEquals(10L, t.x(1));
        assertEquals(0L, t.x(2));
        assertEquals(99L, t.mem(DATA, 8));
        assertEquals(-1L, t.cpu.exclusiveAddress);
        // The monitor is closed now: a second store-exclusive fails and stores nothing.
        t.x(3, 123).run(STXR_W2_X3_X0);
        assertEquals(1L, t.x(2));
        assertEquals(99L, t.mem(DATA, 8));
    }

    @Test
    void storeExclusiveToAnotherAddressFails() {
        t.mem(DATA, 8, 10).mem(DATA + 8, 8, 20).x(0, DATA).x(4, DATA + 8).x(3, 99).run(LDXR_X1_X0, STXR_W2_X3_X4);
        assertEquals(1L, t.x(2));
        assertEquals(20L, t.mem(DATA + 8, 8));
        assertEquals(-1L, t.cpu.exclusiveAddress);
    }

    @Test
    void storeExclusiveFailsWhenAnotherAgentWroteInBetween() {
        t.mem(DATA, 8, 10).x(0, DATA).x(3, 99).run(LDXR_X1_X0);
        t.mem(DATA, 8, 11);
        t.run(STXR_W2_X3_X0);
        assertEquals(1L, t.x(2));
        assertEquals(11L, t.mem(DATA, 8));
    }

    @Test
    void byteAndHalfwordExclusivesLeaveNeighboursAlone() {
        t.mem(DATA, 8, 0x1122_3344_5566_7788L).x(0, DATA + 1).x(3, 0xab).run(0x085f7c01, 0x08027c03); // ldxrb/stxrb
        assertEquals(0x77L, t.x(1));
        assertEquals(0L, t.x(2));
        assertEquals(0x1122_3344_5566_ab88L, t.mem(DATA, 8));
        t.x(0, DATA + 2).x(3, 0xcdef).run(0x485ffc01, 0x4802fc03); // ldaxrh w1, [x0]; stlxrh w2, w3, [x0]
        assertEquals(0x5566L, t.x(1));
        assertEquals(0L, t.x(2));
        assertEquals(0x1122_3344_cdef_ab88L, t.mem(DATA, 8));
        t.x(0, DATA + 4).x(3, 0x1_0000_0042L).run(0x885ffc01, 0x8802fc03); // ldaxr w1 / stlxr w2, w3
        assertEquals(0x1122_3344L, t.x(1));
        assertEquals(0x0000_0042_cdef_ab88L, t.mem(DATA, 8));
    }

    @Test
    void exclusivePairs() {
        t.mem(DATA, 8, 1).mem(DATA + 8, 8, 2).x(0, DATA).x(3, 30).x(6, 60);
        t.run(0xc87f1401, 0xc8221803); // ldxp x1, x5, [x0]; stxp w2, x3, x6, [x0]
        assertEquals(1L, t.x(1));
        assertEquals(2L, t.x(5));
        assertEquals(0L, t.x(2));
        assertEquals(30L, t.mem(DATA, 8));
        assertEquals(60L, t.mem(DATA + 8, 8));
        t.run(0x887f9401); // ldaxp w1, w5, [x0]
        t.mem(DATA + 8, 8, 61); // outside the 8 bytes of a W pair: no effect on the monitor
        t.x(3, 0xffff_ffff_0000_0003L).x(6, 6).run(0x88229803); // stlxp w2, w3, w6, [x0]
        assertEquals(30L, t.x(1));
        assertEquals(0L, t.x(5));
        assertEquals(0L, t.x(2));
        assertEquals(0x0000_0006_0000_0003L, t.mem(DATA, 8));
        // An X pair fails if either half changed.
        t.run(0xc87f1401);
        t.mem(DATA + 8, 8, 62);
        t.run(0xc8221803);
        assertEquals(1L, t.x(2));
        assertEquals(62L, t.mem(DATA + 8, 8));
    }

    @Test
    void misalignedExclusivesTakeAnAlignmentFault() {
        t.x(0, DATA + 4).x(1, 5).run(LDXR_X1_X0);
        assertEquals(Esr.EC_DABT_SAME, t.exception.ec);
        assertEquals(Esr.FSC_ALIGNMENT, t.exception.iss & 0x3f);
        assertEquals(0, t.exception.iss & 0x40); // WnR: a read
        assertEquals(DATA + 4, t.exception.far);
        assertEquals(5L, t.x(1));
        t.x(0, DATA + 2).x(4, DATA + 2).run(STXR_W2_X3_X4);
        assertEquals(Esr.FSC_ALIGNMENT | 0x40, t.exception.iss & 0x7f);
        t.x(0, DATA + 8).run(0xc87f1401); // ldxp x1, x5: needs 16-byte alignment
        assertEquals(Esr.FSC_ALIGNMENT, t.exception.iss & 0x3f);
        t.x(0, DATA + 2).run(0x88dffc01); // ldar w1, [x0]
        assertEquals(Esr.FSC_ALIGNMENT, t.exception.iss & 0x3f);
    }

    /** Taken architecturally (no hook): ESR_EL1 = EC 0x25, IL, DFSC 0x21; FAR_EL1 = the address; ELR = the LDXR. */
    @Test
    void misalignedLdxrSyndromeInEsrEl1() {
        t.cpu.exceptionHook = null;
        t.cpu.sys.vbarEl1 = 0x4001_0000L;
        t.x(0, DATA + 1).run(LDXR_X1_X0);
        assertEquals(0x9600_0021L, t.cpu.sys.esrEl1);
        assertEquals(DATA + 1, t.cpu.sys.farEl1);
        assertEquals(LoadStoreTestSupport.CODE, t.cpu.sys.elrEl1);
        assertEquals(0x4001_0200L, t.cpu.pc); // current EL with SP_ELx: synchronous vector at +0x200
    }

    @Test
    void storeExclusiveToMmioIsAnExternalAbort() {
        t.x(0, MMIO).x(3, 1).run(LDXR_X1_X0, STXR_W2_X3_X0);
        assertEquals(Esr.EC_DABT_SAME, t.exception.ec);
        assertEquals(Esr.FSC_SYNC_EXTERNAL, t.exception.iss & 0x3f);
    }

    @Test
    void loadAcquireStoreRelease() {
        t.mem(DATA, 8, 0x8182_8384_8586_8788L).x(0, DATA);
        t.run(0x88dffc01); // ldar w1, [x0]
        assertEquals(0x8586_8788L, t.x(1));
        t.run(0x08dffc01); // ldarb w1, [x0]
        assertEquals(0x88L, t.x(1));
        t.x(1, 0x1234_5678_9abc_def0L).run(0xc89ffc01); // stlr x1, [x0]
        assertEquals(0x1234_5678_9abc_def0L, t.mem(DATA, 8));
        t.x(1, 0xffffL).run(0x489ffc01); // stlrh w1, [x0]
        assertEquals(0x1234_5678_9abc_ffffL, t.mem(DATA, 8));
        t.run(0xf8bfc001); // ldapr x1, [x0]
        assertEquals(0x1234_5678_9abc_ffffL, t.x(1));
        t.run(0x38bfc001); // ldaprb w1, [x0]
        assertEquals(0xffL, t.x(1));
        assertNull(t.exception);
    }

    @Test
    void ldaprNeedsRcpc() {
        assertInstanceOf(Undefined.class, Decoder.decode(0xf8bfc001, CpuModel.CORTEX_A57));
        assertInstanceOf(Undefined.class, Decoder.decode(0x88df7c01, CpuModel.MAX)); // ldlar (LORegions)
        assertEquals("ldapr x1, [x0]", Decoder.decode(0xf8bfc001, CpuModel.MAX).toString());
        LoadStoreTestSupport a57 = new LoadStoreTestSupport(CpuModel.CORTEX_A57);
        a57.x(0, DATA).run(0xf8bfc001);
        assertEquals(Esr.EC_UNKNOWN, a57.exception.ec);
    }
}
