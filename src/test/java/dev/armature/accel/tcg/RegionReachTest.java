package dev.armature.accel.tcg;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.SysRegs;
import dev.armature.arch.aarch64.TlbInvalidation;
import org.junit.jupiter.api.Test;

import static dev.armature.accel.tcg.TcgTestMachine.CODE;
import static dev.armature.accel.tcg.TcgTestMachine.RAM;
import static dev.armature.accel.tcg.TcgTestMachine.hot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Regions beyond static successors on the head's page: the targets of computed jumps (recorded by the dispatcher)
 * and members on other virtual pages, whose mapping a transition checks.
 */
class RegionReachTest {
    /** 5000 passes through a jump table (BR): x1 counts the even passes, x2 the odd ones. */
    private static final int[] JUMP_TABLE = {
            0xd2800000, //    0: mov x0, #0x0
            0xd2827103, //    4: mov x3, #0x1388
            0x92400004, //    8: loop: and x4, x0, #0x1
            0x10000165, //    c:       adr x5, 38 <table>
            0xf86478a5, //   10:       ldr x5, [x5, x4, lsl #3]
            0xd61f00a0, //   14:       br x5
            0x91000421, //   18: even: add x1, x1, #0x1
            0x14000003, //   1c:       b 28 <next>
            0x91000442, //   20: odd:  add x2, x2, #0x1
            0x14000001, //   24:       b 28 <next>
            0x91000400, //   28: next: add x0, x0, #0x1
            0xf1000463, //   2c:       subs x3, x3, #0x1
            0x54fffec1, //   30:       b.ne 8 <loop>
            0x14000000, //   34: done: b 34 <done>
            (int) (CODE + 0x18), 0, // 38: table: .quad even
            (int) (CODE + 0x20), 0, // 40:        .quad odd
    };
    private static final long JUMP_TABLE_DONE = CODE + 0x34;

    /** Two blocks on two pages branching to each other forever: x0 counts the first's passes, x1 the second's. */
    private static final int[] PAGE_ONE = {
            0x91000400, //    0: add x0, x0, #0x1
            0x140003ff, //    4: b 1000
    };
    private static final int[] PAGE_TWO = {
            0x91000421, // 1000: add x1, x1, #0x1
            0x17fffbff, // 1004: b 0
    };
    /** PAGE_TWO's block as other code: counts in x2. */
    private static final int[] PAGE_TWO_NEW = {
            0x91000442, // 1000: add x2, x2, #0x1
            0x17fffbff, // 1004: b 0
    };

    private static TcgConfig regions(int regionHot) {
        return hot(1).withRegionHot(regionHot);
    }

    private static TbRegion regionAt(TcgEngine engine, long pa, long va, int el) {
        Tb head = engine.cache().get(pa, va, el);
        return head == null ? null : head.region;
    }

    @Test
    void aLoopThroughAJumpTableStaysInRegions() {
        TcgTestMachine m = new TcgTestMachine(JUMP_TABLE);
        TcgEngine engine = m.engine(regions(5));
        TcgExecutor ex = engine.newExecutor();
        for (int i = 0; i < 1000 && m.cpu.pc != JUMP_TABLE_DONE; i++) {
            ex.run(m.cpu, 1000);
        }
        assertEquals(JUMP_TABLE_DONE, m.cpu.pc);
        assertEquals(2500, m.cpu.r[1]);
        assertEquals(2500, m.cpu.r[2]);
        TcgStats s = engine.stats();
        assertTrue(s.regionIndirectTargets() >= 2, "both BR targets are members\n" + engine.report());
        // Without them, every pass's BR goes back to the dispatcher (5000 indirect exits).
        assertTrue(s.exits(TcgStats.Exit.INDIRECT) < 500, engine.report());
        assertTrue(s.regionTransitions() > 3 * 4000, "three per pass\n" + engine.report());
    }

    @Test
    void aLoopOverTwoPagesRunsInsideOneRegion() {
        TcgTestMachine m = new TcgTestMachine(PAGE_ONE).load(CODE + 0x1000, PAGE_TWO);
        TcgEngine engine = m.engine(regions(10));
        TcgExecutor ex = engine.newExecutor();
        ex.run(m.cpu, 100_000);
        assertEquals(25_000, m.cpu.r[0]);
        assertEquals(25_000, m.cpu.r[1]);
        TcgStats s = engine.stats();
        assertEquals(1, s.regionOtherPageTbs(), engine.report());
        // Cross-page exits are never linked: without the region each pass would take two unlinked exits.
        assertTrue(s.exits(TcgStats.Exit.UNLINKED) < 200, engine.report());
        assertTrue(s.regionTransitions() > 45_000, engine.report());
        assertEquals(0, s.regionUnmappedExits(), engine.report());
    }

    @Test
    void aHostWriteIntoAMemberOnAnotherPageInvalidatesTheRegion() {
        TcgTestMachine m = new TcgTestMachine(PAGE_ONE).load(CODE + 0x1000, PAGE_TWO);
        TcgEngine engine = m.engine(regions(10));
        TcgExecutor ex = engine.newExecutor();
        ex.run(m.cpu, 10_000);
        TbRegion region = regionAt(engine, CODE, CODE, m.cpu.el);
        if (region == null) { // the region may be headed by the other block
            region = regionAt(engine, CODE + 0x1000, CODE + 0x1000, m.cpu.el);
        }
        assertNotNull(region, engine.report());
        assertTrue(region.valid);
        m.load(CODE + 0x1000, PAGE_TWO_NEW);
        assertFalse(region.valid, "invalidated with its member on the other page");
        ex.run(m.cpu, 4000);
        assertEquals(2500 + 1000, m.cpu.r[0]);
        assertEquals(2500, m.cpu.r[1]);
        assertEquals(1000, m.cpu.r[2], "the new code ran");
    }

    @Test
    void regionsThroughAJumpTableMatchTheInterpreterInLockstep() {
        TcgTestMachine.Lockstep l = TcgTestMachine.lockstep(JUMP_TABLE, m -> { }, JUMP_TABLE_DONE, regions(3),
                100_000);
        assertEquals(2500, l.subject().cpu.r[2]);
        assertTrue(l.engine().stats().regionIndirectTargets() >= 2, l.engine().report());
        assertTrue(l.engine().stats().regionTransitions() > 10_000, l.engine().report());
    }

    @Test
    void regionsOverTwoPagesMatchTheInterpreterInLockstep() {
        int[] first = {
                0xd280fa03, //    0: mov x3, #0x7d0
                0x91000400, //    4: loop: add x0, x0, #0x1
                0x140003fe, //    8:       b 1000
        };
        TcgTestMachine.Lockstep l = TcgTestMachine.lockstep(first, m -> m.load(CODE + 0x1000,
                        0xf1000463, // 1000: subs x3, x3, #0x1
                        0x54ff8001, // 1004: b.ne 4 <loop>
                        0x14000000), // 1008: done: b 1008
                CODE + 0x1008, regions(3), 100_000);
        assertEquals(2000, l.subject().cpu.r[0]);
        assertEquals(1, l.engine().stats().regionOtherPageTbs(), l.engine().report());
        assertTrue(l.engine().stats().regionTransitions() > 3000, l.engine().report());
    }

    // ---- under stage-1 translation: the second page's mapping changes while the region is hot ----

    private static final long VA1 = 0x1_0000;
    private static final long VA2 = 0x1_1000;
    private static final long CODE_A = RAM + 0x2_0000;
    private static final long CODE_B = RAM + 0x3_0000;
    private static final long CODE_C = RAM + 0x3_8000;
    // A 39-bit, 4 KiB-granule tree (level 3 indexes of VA1 and VA2: 16 and 17), a second one OTHER above it.
    private static final long L1 = RAM + 0x4_0000;
    private static final long L2 = RAM + 0x4_1000;
    private static final long L3 = RAM + 0x4_2000;
    private static final long OTHER = 0x1_0000;
    private static final long PAGE_ATTRS = 1L << 10 | 1L << 2 | 3; // AF, AttrIndx 1 (normal), page descriptor
    private static final long NG = 1L << 11;

    /** A machine whose loop over VA1 and VA2 runs in a hot region, with its engine and executor. */
    private record HotRegion(TcgTestMachine m, TcgEngine engine, TcgExecutor ex) {
    }

    /** Turns the MMU on with the first tree at {@code ttbr0} (39-bit VAs, 4 KiB granule). */
    private static void enableMmu(SysRegs s, long ttbr0) {
        s.write(SysRegs.MAIR_EL1, 0x44_ff_00L);
        s.write(SysRegs.TCR_EL1, 25 | 5L << 32 | 1L << 23); // T0SZ 25 (39 bits), 4 KiB, IPS 48 bits, EPD1
        s.write(SysRegs.TTBR0_EL1, ttbr0);
        s.write(SysRegs.SCTLR_EL1, s.sctlrEl1 | 1);
    }

    /**
     * VA1 -> CODE_A (PAGE_ONE), VA2 -> CODE_B (PAGE_TWO) under ASID 1 (first tree); CODE_C holds PAGE_TWO_NEW,
     * which the second tree maps at VA2 (VA1 the same), for ASID 2. All non-global. Runs until the loop's region
     * (over both pages) is formed and hot.
     */
    private static HotRegion hotRegionOverTwoMappedPages() {
        TcgTestMachine m = new TcgTestMachine();
        m.load(CODE_A, PAGE_ONE).load(CODE_B, PAGE_TWO).load(CODE_C, PAGE_TWO_NEW);
        for (long base : new long[] {0, OTHER}) {
            m.phys.write(L1 + base, 8, L2 + base | 3);
            m.phys.write(L2 + base, 8, L3 + base | 3);
            m.phys.write(L3 + base + 16 * 8, 8, CODE_A | PAGE_ATTRS | NG);
        }
        m.phys.write(L3 + 17 * 8, 8, CODE_B | PAGE_ATTRS | NG);
        m.phys.write(L3 + OTHER + 17 * 8, 8, CODE_C | PAGE_ATTRS | NG);
        enableMmu(m.cpu.sys, L1 | 1L << 48);
        m.cpu.pc = VA1;

        // Blocks are interpreted 50 times before they are translated: the new code at VA2 stays cold while the
        // region is entered after the remap below.
        TcgEngine engine = m.engine(TcgConfig.defaults().withHot(50).withBackground(false).withRegionHot(10));
        TcgExecutor ex = engine.newExecutor();
        ex.run(m.cpu, 20_000); // a multiple of the loop's 4 instructions: stops at VA1
        assertEquals(VA1, m.cpu.pc);
        assertEquals(5000, m.cpu.r[1]);
        TbRegion region = regionAt(engine, CODE_A, VA1, m.cpu.el);
        assertNotNull(region, "the loop's region is headed at VA1\n" + engine.report());
        assertEquals(2, region.members.length);
        assertEquals(CODE_B, region.members[1].key.pa());
        long transitions = engine.stats().regionTransitions();
        ex.run(m.cpu, 4000);
        assertTrue(engine.stats().regionTransitions() > transitions + 1900, "hot\n" + engine.report());
        return new HotRegion(m, engine, ex);
    }

    @Test
    void aRemappedPageLeavesTheRegionAndRunsTheNewCode() {
        HotRegion h = hotRegionOverTwoMappedPages();
        TcgTestMachine m = h.m();
        TcgEngine engine = h.engine();
        TcgExecutor ex = h.ex();
        long x0 = m.cpu.r[0];
        long x1 = m.cpu.r[1];

        // Point VA2 at other code and invalidate its TLB entry, as the guest would (TLBI VAE1, ASID 1). The old
        // member's code is unchanged, so the region stays valid: only the transition's check can notice.
        m.phys.write(L3 + 17 * 8, 8, CODE_C | PAGE_ATTRS | NG);
        m.cpu.sys.sysOp(SysRegs.key(1, 0, 8, 7, 1), 1L << 48 | VA2 >>> 12);
        ex.run(m.cpu, 4000);
        assertEquals(x0 + 1000, m.cpu.r[0]);
        assertEquals(x1, m.cpu.r[1], "the old member must not run\n" + engine.report());
        assertEquals(1000, m.cpu.r[2], "the new code ran\n" + engine.report());
        TcgStats s = engine.stats();
        assertTrue(s.regionUnmappedExits() >= 1, engine.report());

        // The region left at VA2 on every pass while the new code there was cold, so it was dropped, and one for
        // the new mapping forms.
        assertEquals(1, s.regionsUnmapped(), engine.report());
        long unmapped = s.regionUnmappedExits();
        long transitions = s.regionTransitions();
        ex.run(m.cpu, 40_000);
        assertEquals(11_000, m.cpu.r[2]);
        assertEquals(x1, m.cpu.r[1]);
        assertEquals(unmapped, s.regionUnmappedExits(), engine.report());
        assertTrue(s.regionTransitions() > transitions + 19_000, "in a region again\n" + engine.report());
    }

    @Test
    void aTlbShootdownByAnotherVcpuWhileTheRegionRunsMakesItRunTheNewCode() throws Exception {
        HotRegion h = hotRegionOverTwoMappedPages();
        TcgTestMachine m = h.m();
        Thread other = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(200);
                // Another vCPU's TLBI VAE1IS after remapping VA2: the region is running, with no budget.
                m.phys.write(L3 + 17 * 8, 8, CODE_C | PAGE_ATTRS | NG);
                long ticket = m.cpu.memory.requestInvalidation(
                        new TlbInvalidation(TlbInvalidation.Scope.VA_EL1, VA2, 1));
                while (!m.cpu.memory.flushServed(ticket)) {
                    Thread.sleep(1);
                }
                Thread.sleep(200);
            } catch (InterruptedException ie) {
                return;
            }
            m.cpu.requestExit(Cpu.EXIT_STOP);
        });
        assertTrue(h.ex().run(m.cpu, Long.MAX_VALUE));
        other.join();
        // Once the shootdown is served, every pass runs VA2's new code: about 200 ms of passes.
        assertTrue(m.cpu.r[2] > 10_000, "x2 = " + m.cpu.r[2] + "\n" + h.engine().report());
        assertTrue(h.engine().stats().regionUnmappedExits() >= 1, h.engine().report());
    }

    @Test
    void pagesThatShareAFetchTlbEntryAreNotMembersOfOneRegion() {
        // VA1 and VA1 + 1 MiB (level 3 index 16 + 256) take the same fetch-TLB entry: a region over both would
        // fail its mapping check on every pass. The loop runs through the dispatcher instead.
        long far = VA1 + 0x10_0000;
        TcgTestMachine m = new TcgTestMachine();
        m.load(CODE_A,
                0x91000400, // VA1: add x0, x0, #0x1
                0x1403ffff); //      b VA1 + 0x100000
        m.load(CODE_B,
                0x91000421, // far: add x1, x1, #0x1
                0x17fbffff); //      b VA1
        m.phys.write(L1, 8, L2 | 3);
        m.phys.write(L2, 8, L3 | 3);
        m.phys.write(L3 + 16 * 8, 8, CODE_A | PAGE_ATTRS);
        m.phys.write(L3 + (16 + 256) * 8, 8, CODE_B | PAGE_ATTRS);
        enableMmu(m.cpu.sys, L1);
        m.cpu.pc = VA1;
        TcgEngine engine = m.engine(regions(10));
        engine.newExecutor().run(m.cpu, 40_000);
        assertEquals(10_000, m.cpu.r[0]);
        assertEquals(10_000, m.cpu.r[1]);
        assertEquals(far, engine.cache().get(CODE_B, far, m.cpu.el).key.va());
        assertEquals(0, engine.stats().regionsFormed(), engine.report());
        assertEquals(0, engine.stats().regionUnmappedExits(), engine.report());
    }

    @Test
    void anotherAsidsMappingOfTheSecondPageIsNotTheRegionsMember() {
        HotRegion h = hotRegionOverTwoMappedPages();
        TcgTestMachine m = h.m();
        TcgExecutor ex = h.ex();
        long x1 = m.cpu.r[1];
        // A context switch (no TLBI): ASID 2 maps VA1 to the same code, so the region is entered, but VA2 elsewhere.
        m.cpu.sys.write(SysRegs.TTBR0_EL1, L1 + OTHER | 2L << 48);
        ex.run(m.cpu, 4000);
        assertEquals(x1, m.cpu.r[1], "ASID 1's member must not run\n" + h.engine().report());
        assertEquals(1000, m.cpu.r[2]);
        // And back: ASID 1's mapping is still in its TLB bank, so its region runs again.
        m.cpu.sys.write(SysRegs.TTBR0_EL1, L1 | 1L << 48);
        ex.run(m.cpu, 4000);
        assertEquals(x1 + 1000, m.cpu.r[1]);
        assertEquals(1000, m.cpu.r[2]);
    }
}
