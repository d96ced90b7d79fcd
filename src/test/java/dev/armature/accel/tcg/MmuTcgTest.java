package dev.armature.accel.tcg;

import dev.armature.arch.aarch64.SysRegs;
import org.junit.jupiter.api.Test;

import static dev.armature.accel.tcg.TcgTestMachine.RAM;
import static dev.armature.accel.tcg.TcgTestMachine.hot;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Translated code under stage-1 translation: TBs follow the mapping, not the virtual address. */
class MmuTcgTest {
    private static final long VA = 0x1_0000;
    private static final long CODE_A = RAM + 0x2_0000;
    private static final long CODE_B = RAM + 0x3_0000;
    // A 39-bit, 4 KiB-granule tree: level 1 at L1, level 2 at L2, level 3 at L3 (all indexes of VA 0x10000 are
    // 0, 0, 16).
    private static final long L1 = RAM + 0x4_0000;
    private static final long L2 = RAM + 0x4_1000;
    private static final long L3 = RAM + 0x4_2000;
    private static final long PAGE_ATTRS = 1L << 10 | 1L << 2 | 3; // AF, AttrIndx 1 (normal), page descriptor
    private static final long NG = 1L << 11;
    /** A second tree like the first, for a second address space. */
    private static final long OTHER = 0x1_0000;

    @Test
    void remappingTheCodePageAndFlushingTheTlbRunsTheNewPhysicalCode() {
        TcgTestMachine m = new TcgTestMachine();
        m.load(CODE_A,
                0xd2800020, //    0: mov x0, #0x1
                0x14000000); //   4: b 4
        m.load(CODE_B,
                0xd2800040, //    0: mov x0, #0x2
                0x14000000); //   4: b 4
        m.phys.write(L1, 8, L2 | 3);
        m.phys.write(L2, 8, L3 | 3);
        m.phys.write(L3 + 16 * 8, 8, CODE_A | PAGE_ATTRS);
        SysRegs s = m.cpu.sys;
        s.write(SysRegs.MAIR_EL1, 0x44_ff_00L);
        s.write(SysRegs.TCR_EL1, 25 | 5L << 32 | 1L << 23); // T0SZ 25 (39 bits), 4 KiB, IPS 48 bits, EPD1
        s.write(SysRegs.TTBR0_EL1, L1);
        s.write(SysRegs.SCTLR_EL1, s.sctlrEl1 | 1);

        TcgEngine engine = m.engine(hot(0));
        TcgExecutor ex = engine.newExecutor();
        m.cpu.pc = VA;
        ex.run(m.cpu, 100);
        assertEquals(1, m.cpu.r[0]);
        assertEquals(VA + 4, m.cpu.pc);

        // Point the page at other code and drop the TLB, as the guest would with a TLBI.
        m.phys.write(L3 + 16 * 8, 8, CODE_B | PAGE_ATTRS);
        m.cpu.memory.flushTlb();
        m.cpu.pc = VA;
        ex.run(m.cpu, 100);
        assertEquals(2, m.cpu.r[0], "the jump cache must not keep the old mapping's TB\n" + engine.report());
        assertEquals(4, engine.stats().tbsTranslated(), "per mapping: the block and its 'b .'");
    }

    /** Code at VA: CODE_A under ASID 1 (first tree), CODE_B under ASID 2 (second tree), both non-global. */
    private static TcgTestMachine twoAddressSpaces() {
        TcgTestMachine m = new TcgTestMachine();
        m.load(CODE_A,
                0xd2800020, //    0: mov x0, #0x1
                0x14000000); //   4: b 4
        m.load(CODE_B,
                0xd2800040, //    0: mov x0, #0x2
                0x14000000); //   4: b 4
        for (long base : new long[] {0, OTHER}) {
            m.phys.write(L1 + base, 8, L2 + base | 3);
            m.phys.write(L2 + base, 8, L3 + base | 3);
        }
        m.phys.write(L3 + 16 * 8, 8, CODE_A | PAGE_ATTRS | NG);
        m.phys.write(L3 + OTHER + 16 * 8, 8, CODE_B | PAGE_ATTRS | NG);
        SysRegs s = m.cpu.sys;
        s.write(SysRegs.MAIR_EL1, 0x44_ff_00L);
        s.write(SysRegs.TCR_EL1, 25 | 5L << 32 | 1L << 23);
        s.write(SysRegs.TTBR0_EL1, L1 | 1L << 48);
        s.write(SysRegs.SCTLR_EL1, s.sctlrEl1 | 1);
        return m;
    }

    private static long runAt(TcgTestMachine m, TcgExecutor ex) {
        m.cpu.pc = VA;
        ex.run(m.cpu, 100);
        return m.cpu.r[0];
    }

    @Test
    void theJumpCacheNeverRunsAnotherAsidsCode() {
        TcgTestMachine m = twoAddressSpaces();
        TcgEngine engine = m.engine(hot(0));
        TcgExecutor ex = engine.newExecutor();
        assertEquals(1, runAt(m, ex));
        m.cpu.sys.write(SysRegs.TTBR0_EL1, L1 + OTHER | 2L << 48); // context switch: no TLBI
        assertEquals(2, runAt(m, ex), "ASID 2 maps VA to other code\n" + engine.report());
        m.cpu.sys.write(SysRegs.TTBR0_EL1, L1 | 1L << 48);
        assertEquals(1, runAt(m, ex), "back to ASID 1\n" + engine.report());
        assertEquals(4, engine.stats().tbsTranslated(), "each address space's TBs are translated once");
    }

    @Test
    void aTlbiByVaMakesTheJumpCacheLookUpTheNewMapping() {
        TcgTestMachine m = twoAddressSpaces();
        TcgEngine engine = m.engine(hot(0));
        TcgExecutor ex = engine.newExecutor();
        assertEquals(1, runAt(m, ex));
        long hits = engine.stats().jumpCacheHits();
        assertEquals(1, runAt(m, ex));
        assertEquals(hits + 1, engine.stats().jumpCacheHits(), "the block at VA comes from the jump cache");
        m.phys.write(L3 + 16 * 8, 8, CODE_B | PAGE_ATTRS | NG);
        m.cpu.sys.sysOp(SysRegs.key(1, 0, 8, 7, 1), 1L << 48 | VA >>> 12); // TLBI VAE1, ASID 1
        assertEquals(2, runAt(m, ex), "the jump cache must not keep the old mapping's TB\n" + engine.report());
    }
}
