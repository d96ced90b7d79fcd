package dev.armature.accel.tcg;

import dev.armature.arch.aarch64.Cpu;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static dev.armature.accel.tcg.TcgTestMachine.CODE;
import static dev.armature.accel.tcg.TcgTestMachine.hot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The translator's mechanisms, each observed through its counter and through the guest's result. */
class TcgExecutorTest {
    /** Sum 1..1000 in a one-block loop. */
    static final int[] SUM_LOOP = {
            0xd2800000, //    0: mov x0, #0x0
            0xd2807d01, //    4: mov x1, #0x3e8
            0x8b010000, //    8: add x0, x0, x1
            0xf1000421, //    c: subs x1, x1, #0x1
            0x54ffffc1, //   10: b.ne 8
            0x14000000, //   14: b 14
    };

    /** Sum 1..2000 plus 3 per odd number, in a loop of three blocks (TBZ splits it). */
    static final int[] THREE_BLOCK_LOOP = {
            0xd2800000, //    0: mov x0, #0x0
            0xd280fa01, //    4: mov x1, #0x7d0
            0x8b010000, //    8: loop: add x0, x0, x1
            0x36000041, //    c: tbz w1, #0, 14 <even>
            0x91000c00, //   10: add x0, x0, #0x3
            0xf1000421, //   14: even: subs x1, x1, #0x1
            0x54ffff81, //   18: b.ne 8 <loop>
            0x14000000, //   1c: b 1c
    };

    /** 300 calls through a table of four functions (BLR, RET): computed jumps. */
    static final int[] JUMP_TABLE = {
            0x10000242, //    0: adr x2, 48 <table>
            0xd2800000, //    4: mov x0, #0x0
            0xd2802581, //    8: mov x1, #0x12c
            0x92400423, //    c: loop: and x3, x1, #0x3
            0xf8637844, //   10: ldr x4, [x2, x3, lsl #3]
            0x8b020084, //   14: add x4, x4, x2
            0xd63f0080, //   18: blr x4
            0xf1000421, //   1c: subs x1, x1, #0x1
            0x54ffff61, //   20: b.ne c <loop>
            0x14000000, //   24: b 24
            0x91000400, //   28: f0: add x0, x0, #0x1
            0xd65f03c0, //   2c: ret
            0x91002800, //   30: f1: add x0, x0, #0xa
            0xd65f03c0, //   34: ret
            0x91019000, //   38: f2: add x0, x0, #0x64
            0xd65f03c0, //   3c: ret
            0x910fa000, //   40: f3: add x0, x0, #0x3e8
            0xd65f03c0, //   44: ret
            0xffffffe0, 0xffffffff, // 48: table: .quad f0 - table
            0xffffffe8, 0xffffffff, //           .quad f1 - table
            0xfffffff0, 0xffffffff, //           .quad f2 - table
            0xfffffff8, 0xffffffff, //           .quad f3 - table
    };

    /** A loop whose first instruction is rewritten (add #1 becomes add #2) half-way: x0 = 100 * 1 + 100 * 2. */
    static final int[] SMC_LOOP = {
            0xd2800000, //    0: mov x0, #0x0
            0xd2801901, //    4: mov x1, #0xc8
            0x10000022, //    8: adr x2, c <patch>
            0x91000400, //    c: loop: patch: add x0, x0, #0x1
            0xf1000421, //   10: subs x1, x1, #0x1
            0x540000c0, //   14: b.eq 2c <done>
            0xf101903f, //   18: cmp x1, #0x64
            0x54ffff81, //   1c: b.ne c <loop>
            0x18000083, //   20: ldr w3, 30 <newinsn>
            0xb9000043, //   24: str w3, [x2]
            0x17fffff9, //   28: b c <loop>
            0x14000000, //   2c: done: b 2c
            0x91000800, //   30: newinsn: add x0, x0, #0x2
    };

    /** Rewrites an instruction later in its own block before reaching it: x5 = 2. */
    static final int[] SMC_SAME_BLOCK = {
            0x10000062, //    0: adr x2, c <target>
            0x18000083, //    4: ldr w3, 14 <newinsn>
            0xb9000043, //    8: str w3, [x2]
            0xd2800025, //    c: target: mov x5, #0x1
            0x14000000, //   10: b 10
            0xd2800045, //   14: newinsn: mov x5, #0x2
    };

    /** Loops forever. */
    static final int[] ENDLESS = {
            0x91000400, //    0: loop: add x0, x0, #0x1
            0x17ffffff, //    4: b 0 <loop>
    };

    private static long run(TcgTestMachine m, TcgExecutor ex, long stopPc) {
        long n = 0;
        while (m.cpu.pc != stopPc && n < 10_000_000) {
            ex.run(m.cpu, 1000);
            n += 1000;
        }
        assertEquals(stopPc, m.cpu.pc, "program did not finish");
        return ex.instructions();
    }

    /** Runs the two-instruction block at CODE once (budget 2). */
    private static void runBlockOnce(TcgTestMachine m, TcgExecutor ex) {
        m.cpu.pc = CODE;
        ex.run(m.cpu, 2);
    }

    @Test
    void translationCountsItsThreadsCpuTimeBesideTheWallTime() {
        TcgTestMachine m = new TcgTestMachine(
                0x91000400, // add x0, x0, #1
                0x17ffffff); // b CODE
        TcgEngine engine = m.engine(hot(1));
        engine.translate(CODE, CODE, 1, null);
        TcgStats s = engine.stats();
        assertTrue(s.translationCpuNanos() > 0, s.report());
        assertTrue(s.translationCpuNanos() <= s.translationNanos() + 1_000_000, s.report()); // clocks' granularity
        assertTrue(s.report().contains("us/TB), CPU "), s.report());
    }

    @Test
    void aColdBlockSkipsTheGlobalLookupUntilSomeTbIsAdded() {
        TcgTestMachine m = new TcgTestMachine(
                0x91000400, // add x0, x0, #1
                0x17ffffff); // b CODE
        TcgEngine engine = m.engine(hot(5));
        TcgExecutor a = engine.newExecutor();
        TcgExecutor b = engine.newExecutor();
        runBlockOnce(m, a);
        long lookups = engine.stats().globalLookups();
        runBlockOnce(m, a);
        assertEquals(lookups, engine.stats().globalLookups(), "known cold: no global lookup\n" + engine.report());
        assertEquals(4, engine.stats().interpretedInsns());
        for (int i = 0; i < 5; i++) {
            runBlockOnce(m, b); // b's fifth start translates the block
        }
        assertEquals(1, engine.stats().tbsTranslated());
        long interpreted = engine.stats().interpretedInsns();
        runBlockOnce(m, a); // a's count is only 3, but the cache has gained a TB since a found none
        assertEquals(interpreted, engine.stats().interpretedInsns(), "a runs b's TB\n" + engine.report());
        assertEquals(8, m.cpu.r[0]);
    }

    @Test
    void tightLoopRunsTranslatedOnSelfChainedBackEdges() {
        TcgTestMachine m = new TcgTestMachine(SUM_LOOP);
        TcgEngine engine = m.engine(hot(10));
        TcgExecutor ex = engine.newExecutor();
        run(m, ex, CODE + 0x14);
        assertEquals(500_500, m.cpu.r[0]);
        TcgStats s = engine.stats();
        assertTrue(s.backEdges() > 900, engine.report());
        assertTrue(s.translatedInsns() > 2700, engine.report());
        assertTrue(s.globalLookups() < 40, "a chained loop needs no lookups\n" + engine.report());
        assertTrue(s.chainedExits() * 100 > 90 * s.totalExits(), engine.report());
    }

    @Test
    void staticExitsBetweenBlocksAreLinked() {
        TcgTestMachine m = new TcgTestMachine(THREE_BLOCK_LOOP);
        TcgEngine engine = m.engine(hot(5));
        TcgExecutor ex = engine.newExecutor();
        run(m, ex, CODE + 0x1c);
        assertEquals(2_001_000 + 3 * 1000, m.cpu.r[0]);
        TcgStats s = engine.stats();
        assertTrue(s.linksMade() >= 4, engine.report());
        assertTrue(s.chainedExits() > 3900, engine.report()); // two transitions per iteration
        assertTrue(s.jumpCacheHits() + s.jumpCacheMisses() < 100, "chained blocks skip lookups\n" + engine.report());
    }

    @Test
    void computedJumpsGoThroughTheJumpCache() {
        TcgTestMachine m = new TcgTestMachine(JUMP_TABLE);
        TcgEngine engine = m.engine(hot(3));
        TcgExecutor ex = engine.newExecutor();
        run(m, ex, CODE + 0x24);
        assertEquals(75 * (1 + 10 + 100 + 1000), m.cpu.r[0]);
        TcgStats s = engine.stats();
        assertTrue(s.jumpCacheHits() > 500, engine.report());
        assertTrue(s.exits(TcgStats.Exit.INDIRECT) > 500, engine.report());
    }

    @Test
    void selfModifyingCodeInvalidatesAndTheNewCodeRuns() {
        TcgTestMachine m = new TcgTestMachine(SMC_LOOP);
        TcgEngine engine = m.engine(hot(2));
        TcgExecutor ex = engine.newExecutor();
        run(m, ex, CODE + 0x2c);
        assertEquals(300, m.cpu.r[0]);
        TcgStats s = engine.stats();
        assertTrue(s.invalidations(TcgStats.Invalidation.GUEST_WRITE) >= 1, engine.report());
        assertTrue(s.tbsTranslated() >= 4, engine.report());
    }

    @Test
    void storeIntoTheRunningBlockStopsBeforeTheStaleInstruction() {
        TcgTestMachine m = new TcgTestMachine(SMC_SAME_BLOCK);
        TcgEngine engine = m.engine(hot(0));
        TcgExecutor ex = engine.newExecutor();
        run(m, ex, CODE + 0x10);
        assertEquals(2, m.cpu.r[5]);
        assertEquals(1, engine.stats().exits(TcgStats.Exit.INVALIDATED), engine.report());
    }

    @Test
    void hostWritesInvalidateToo() {
        TcgTestMachine m = new TcgTestMachine(SUM_LOOP);
        TcgEngine engine = m.engine(hot(0));
        TcgExecutor ex = engine.newExecutor();
        run(m, ex, CODE + 0x14);
        assertEquals(500_500, m.cpu.r[0]);
        m.load(CODE + 0x8, 0xcb010000); // sub x0, x0, x1
        m.cpu.pc = CODE;
        run(m, ex, CODE + 0x14);
        assertEquals(-500_500, m.cpu.r[0]);
        assertTrue(engine.stats().invalidations(TcgStats.Invalidation.HOST_WRITE) >= 1, engine.report());
    }

    @Test
    void removingTheRamRegionInvalidatesItsTranslations() {
        TcgTestMachine m = new TcgTestMachine(SUM_LOOP);
        TcgEngine engine = m.engine(hot(0));
        run(m, engine.newExecutor(), CODE + 0x14);
        m.phys.remove("ram");
        assertTrue(engine.stats().invalidations(TcgStats.Invalidation.HOST_WRITE) >= 2, engine.report());
        engine.report(); // snapshots the cache shape into the statistics
        assertEquals(0, engine.stats().liveTbs, engine.report());
    }

    @Test
    void fullCodeBudgetFlushesAndTheProgramStaysCorrect() {
        TcgTestMachine m = new TcgTestMachine(THREE_BLOCK_LOOP);
        // Room for about one TB: every new translation flushes the others.
        TcgEngine engine = m.engine(hot(0).withCodeBudgetBytes(6000));
        TcgExecutor ex = engine.newExecutor();
        run(m, ex, CODE + 0x1c);
        assertEquals(2_001_000 + 3 * 1000, m.cpu.r[0]);
        TcgStats s = engine.stats();
        assertTrue(s.flushes() >= 2, engine.report());
        assertTrue(s.invalidations(TcgStats.Invalidation.FLUSH) >= 2, engine.report());
    }

    @Test
    void exitRequestFromAnotherThreadStopsAChainedLoopPromptly() throws Exception {
        TcgTestMachine m = new TcgTestMachine(ENDLESS);
        TcgEngine engine = m.engine(hot(1));
        TcgExecutor ex = engine.newExecutor();
        long ms = m.runUntilStoppedByAnotherThread(ex);
        assertTrue(ms < 2000, "took " + ms + " ms");
        assertTrue(engine.stats().backEdges() > 1000, engine.report());
        assertEquals(ex.instructions(), m.cpu.r[0] * 2, "instruction count matches the loop count");
    }

    @Test
    void interruptRaisedByAnotherThreadIsTakenOutOfAChainedLoop() throws Exception {
        TcgTestMachine m = new TcgTestMachine(
                0xd50342ff, //    0: msr daifclr, #0x2
                0x91000400, //    4: loop: add x0, x0, #0x1
                0x17ffffff); //   8: b 4 <loop>
        m.load(TcgTestMachine.VECTORS + 0x280, // IRQ, current EL with SP_ELx
                0xd2800027, //    0: mov x7, #0x1
                0x14000000); //   4: b 4
        TcgEngine engine = m.engine(hot(1));
        TcgExecutor ex = engine.newExecutor();
        Thread device = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(200);
                m.cpu.setInterruptLines(true, false);
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
            m.cpu.requestExit(Cpu.EXIT_STOP);
        });
        assertTrue(ex.run(m.cpu, Long.MAX_VALUE));
        device.join();
        assertEquals(1, m.cpu.r[7], "handler ran");
        assertEquals(CODE + 0x4, m.cpu.sys.elrEl1, "interrupted at the loop's back-edge");
        assertTrue(engine.stats().backEdges() > 1000, engine.report());
        assertTrue(engine.stats().exits(TcgStats.Exit.EXIT_REQUEST) >= 2, "interrupt, then stop\n" + engine.report());
    }

    @Test
    void backgroundTranslationLetsTheVcpuInterpretUntilTheTbIsReady() {
        TcgTestMachine m = new TcgTestMachine(ENDLESS);
        TcgEngine engine = m.engine(hot(10).withBackground(true));
        TcgExecutor ex = engine.newExecutor();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (engine.stats().translatedInsns() == 0 && System.nanoTime() < deadline) {
            ex.run(m.cpu, 10_000);
        }
        assertTrue(engine.stats().translatedInsns() > 0, engine.report());
        assertTrue(engine.stats().interpretedInsns() >= 20, "interpreted while hot and queued\n" + engine.report());
        assertEquals(ex.instructions(), m.cpu.r[0] * 2);
    }

    @Test
    void coldCodeIsInterpretedUntilHot() {
        TcgTestMachine m = new TcgTestMachine(SUM_LOOP);
        TcgEngine engine = m.engine(hot(1_000_000));
        TcgExecutor ex = engine.newExecutor();
        run(m, ex, CODE + 0x14);
        assertEquals(500_500, m.cpu.r[0]);
        assertEquals(0, engine.stats().tbsTranslated());
        assertEquals(0, engine.stats().translatedInsns());
        assertFalse(engine.stats().interpretedInsns() < 3000);
    }
}
