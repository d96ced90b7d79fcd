package dev.armature.accel.tcg;

import dev.armature.accel.interp.Interpreter;
import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.MemoryObserver;
import dev.armature.arch.aarch64.SystemCounter;
import org.junit.jupiter.api.Test;

import static dev.armature.accel.tcg.TcgTestMachine.CODE;
import static dev.armature.accel.tcg.TcgTestMachine.hot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Region compilation: loops of several TBs run in one method, and every guard still takes effect. */
class TbRegionTest {
    /** Two blocks jumping to each other forever: x0 counts the first's passes, x1 the second's. */
    static final int[] TWO_BLOCKS = {
            0x91000400, //    0: a: add x0, x0, #0x1
            0x14000001, //    4:    b 8 <b>
            0x91000421, //    8: b: add x1, x1, #0x1
            0x17fffffd, //    c:    b 0 <a>
    };

    /** 500 calls of a leaf function (BL, RET): x0 = 0 + 1 + ... + 499, x1 = 500. */
    static final int[] CALL_LOOP = {
            0xd2800000, //    0: mov x0, #0x0
            0xd2800001, //    4: mov x1, #0x0
            0xd2803e83, //    8: mov x3, #0x1f4
            0x94000004, //    c: loop: bl 1c <f>
            0xf1000463, //   10: subs x3, x3, #0x1
            0x54ffffc1, //   14: b.ne c <loop>
            0x14000000, //   18: done: b 18
            0x8b010000, //   1c: f: add x0, x0, x1
            0xca000c42, //   20: eor x2, x2, x0, lsl #3
            0x91000421, //   24: add x1, x1, #0x1
            0xd65f03c0, //   28: ret
    };

    /**
     * A loop of two blocks whose first stores w3 each pass: into a scratch word of the code page while x1 != 100,
     * then (x1 == 100) over the second block's first instruction, turning add #1 into add #2: x0 = 100 + 200.
     */
    static final int[] SMC_IN_REGION = {
            0xd2800000, //    0: mov x0, #0x0
            0xd2801901, //    4: mov x1, #0xc8
            0x10000144, //    8: adr x4, 30 <patch>
            0x100001a5, //    c: adr x5, 40 <scratch>
            0x180001a3, //   10: ldr w3, 44 <newinsn>
            0xf101903f, //   14: loop: cmp x1, #0x64
            0x9a850082, //   18: csel x2, x4, x5, eq
            0xb9000043, //   1c: str w3, [x2]
            0x14000004, //   20: b 30 <patch>
            0xd503201f, //   24: nop
            0xd503201f, //   28: nop
            0xd503201f, //   2c: nop
            0x91000400, //   30: patch: add x0, x0, #0x1
            0xf1000421, //   34: subs x1, x1, #0x1
            0x54fffee1, //   38: b.ne 14 <loop>
            0x14000000, //   3c: done: b 3c
            0x00000000, //   40: scratch: .word 0
            0x91000800, //   44: newinsn: add x0, x0, #0x2
    };

    /** A two-block loop loading upwards from 200 doublewords below the end of RAM, until the load faults. */
    static final int[] FAULTING_LOOP = {
            0xd2800000, //    0: mov x0, #0x0
            0xd2800001, //    4: mov x1, #0x0
            0xd29f3802, //    8: mov x2, #0xf9c0
            0xf2a801e2, //    c: movk x2, #0x400f, lsl #16
            0xf8408443, //   10: loop: ldr x3, [x2], #8
            0x91000400, //   14: add x0, x0, #0x1
            0x14000001, //   18: b 1c <next>
            0x91000421, //   1c: next: add x1, x1, #0x1
            0x17fffffc, //   20: b 10 <loop>
    };

    /** FAULTING_LOOP with more arithmetic: one load in 9 instructions, so the region keeps the count in locals. */
    static final int[] FAULTING_SPARSE_LOOP = {
            0xd2800000, //    0: mov x0, #0x0
            0xd2800001, //    4: mov x1, #0x0
            0xd29f3802, //    8: mov x2, #0xf9c0
            0xf2a801e2, //    c: movk x2, #0x400f, lsl #16
            0xf8408443, //   10: loop: ldr x3, [x2], #8
            0x91000400, //   14: add x0, x0, #0x1
            0x910004c6, //   18: add x6, x6, #0x1
            0x910004c6, //   1c: add x6, x6, #0x1
            0x910004c6, //   20: add x6, x6, #0x1
            0x14000001, //   24: b 28 <next>
            0x91000421, //   28: next: add x1, x1, #0x1
            0x910004e7, //   2c: add x7, x7, #0x1
            0x17fffff8, //   30: b 10 <loop>
    };

    /**
     * A two-block loop whose second block reads the virtual counter after one instruction, 2000 passes of 7
     * instructions: x2 the last read, x5 the sum of all reads.
     */
    static final int[] COUNTER_IN_LOOP = {
            0xd2800000, //    0: mov x0, #0x0
            0xd2800005, //    4: mov x5, #0x0
            0x91000400, //    8: loop: add x0, x0, #0x1
            0x14000001, //    c: b 10
            0x91000421, //   10: add x1, x1, #0x1
            0xd53be042, //   14: mrs x2, cntvct_el0
            0x8b0200a5, //   18: add x5, x5, x2
            0xf11f401f, //   1c: cmp x0, #0x7d0
            0x54ffff41, //   20: b.ne 8 <loop>
            0x14000000, //   24: done: b 24
    };

    /** The same as one block branching to itself: 2000 passes of 5 instructions. */
    static final int[] COUNTER_IN_SELF_LOOP = {
            0xd2800000, //    0: mov x0, #0x0
            0xd2800005, //    4: mov x5, #0x0
            0x91000400, //    8: loop: add x0, x0, #0x1
            0xd53be042, //    c: mrs x2, cntvct_el0
            0x8b0200a5, //   10: add x5, x5, x2
            0xf11f401f, //   14: cmp x0, #0x7d0
            0x54ffff81, //   18: b.ne 8 <loop>
            0x14000000, //   1c: done: b 1c
    };

    /**
     * COUNTER_IN_LOOP with three more instructions in the first block: one MRS in 10 instructions, few enough that
     * the region keeps the count in locals (ExecCounters.countInLocals) and must write it out before the MRS.
     */
    static final int[] COUNTER_IN_SPARSE_LOOP = {
            0xd2800000, //    0: mov x0, #0x0
            0xd2800005, //    4: mov x5, #0x0
            0x91000400, //    8: loop: add x0, x0, #0x1
            0x910004c6, //    c: add x6, x6, #0x1
            0x910004c6, //   10: add x6, x6, #0x1
            0x910004c6, //   14: add x6, x6, #0x1
            0x14000001, //   18: b 1c
            0x91000421, //   1c: add x1, x1, #0x1
            0xd53be042, //   20: mrs x2, cntvct_el0
            0x8b0200a5, //   24: add x5, x5, x2
            0xf11f401f, //   28: cmp x0, #0x7d0
            0x54fffee1, //   2c: b.ne 8 <loop>
            0x14000000, //   30: done: b 30
    };

    /** The same as one block branching to itself: 2000 passes of 9 instructions, one MRS. */
    static final int[] COUNTER_IN_SPARSE_SELF_LOOP = {
            0xd2800000, //    0: mov x0, #0x0
            0xd2800005, //    4: mov x5, #0x0
            0x91000400, //    8: loop: add x0, x0, #0x1
            0x910004c6, //    c: add x6, x6, #0x1
            0x910004c6, //   10: add x6, x6, #0x1
            0x910004c6, //   14: add x6, x6, #0x1
            0x91000421, //   18: add x1, x1, #0x1
            0xd53be042, //   1c: mrs x2, cntvct_el0
            0x8b0200a5, //   20: add x5, x5, x2
            0xf11f401f, //   24: cmp x0, #0x7d0
            0x54ffff01, //   28: b.ne 8 <loop>
            0x14000000, //   2c: done: b 2c
    };

    private static TcgConfig regions(int regionHot) {
        return hot(1).withRegionHot(regionHot);
    }

    private static void runTo(TcgTestMachine m, TcgExecutor ex, long stopPc) {
        for (int i = 0; i < 100_000 && m.cpu.pc != stopPc; i++) {
            ex.run(m.cpu, 1000);
        }
        assertEquals(stopPc, m.cpu.pc, "program did not finish");
    }

    @Test
    void aLoopOfTwoBlocksRunsInsideOneRegion() {
        TcgTestMachine m = new TcgTestMachine(TWO_BLOCKS);
        TcgEngine engine = m.engine(regions(10));
        TcgExecutor ex = engine.newExecutor();
        ex.run(m.cpu, 100_000);
        assertEquals(100_000, ex.instructions());
        assertEquals(25_000, m.cpu.r[0]);
        assertEquals(25_000, m.cpu.r[1]);
        TcgStats s = engine.stats();
        assertEquals(1, s.regionsFormed(), engine.report());
        assertTrue(s.regionTransitions() > 45_000, "two transitions per pass\n" + engine.report());
        assertTrue(s.regionEntries() < 200, "few dispatches\n" + engine.report());
        assertTrue(engine.report().contains("in-region transitions"), engine.report());
    }

    @Test
    void withoutRegionsTheSameLoopGoesThroughTheDispatcher() {
        TcgTestMachine m = new TcgTestMachine(TWO_BLOCKS);
        TcgEngine engine = m.engine(regions(0));
        TcgExecutor ex = engine.newExecutor();
        ex.run(m.cpu, 100_000);
        assertEquals(25_000, m.cpu.r[0]);
        assertEquals(0, engine.stats().regionsFormed());
        assertEquals(0, engine.stats().regionTransitions());
    }

    @Test
    void callsAndReturnsOfALeafStayInTheRegion() {
        TcgTestMachine m = new TcgTestMachine(CALL_LOOP);
        TcgEngine engine = m.engine(regions(5));
        TcgExecutor ex = engine.newExecutor();
        runTo(m, ex, CODE + 0x18);
        assertEquals(499 * 500 / 2, m.cpu.r[0]);
        assertEquals(500, m.cpu.r[1]);
        TcgStats s = engine.stats();
        assertTrue(s.regionsFormed() >= 1, engine.report());
        // Three transitions per call (BL to f, RET back, B.NE to the loop) once the region runs.
        assertTrue(s.regionTransitions() > 1200, engine.report());
        assertTrue(s.exits(TcgStats.Exit.INDIRECT) < 50, "RET stays inside\n" + engine.report());
    }

    @Test
    void aStraightPathFormsNoRegion() {
        TcgTestMachine m = new TcgTestMachine(
                0x91000400, //    0: add x0, x0, #0x1
                0x14000001, //    4: b 8
                0x91000421, //    8: add x1, x1, #0x1
                0x14000000); //   c: b c
        TcgEngine engine = m.engine(regions(1));
        TcgExecutor ex = engine.newExecutor();
        ex.run(m.cpu, 1000);
        Tb head = engine.cache().get(CODE, CODE, m.cpu.el);
        assertNotNull(head);
        assertNull(RegionSelector.select(engine.cache(), head), "no cycle through the head");
        assertEquals(0, engine.stats().regionsFormed(), engine.report());
    }

    @Test
    void aRegionKeepsTheLoopNotThePathOutOfIt() {
        TcgTestMachine m = new TcgTestMachine(
                0xd2800c81, //    0: mov x1, #0x64
                0x91000400, //    4: a: add x0, x0, #0x1
                0x14000001, //    8:    b c <b>
                0xf1000421, //    c: b: subs x1, x1, #0x1
                0x54ffffa1, //   10:    b.ne 4 <a>
                0x91000442, //   14: c: add x2, x2, #0x1
                0x17ffffff); //  18:    b 14 <c>
        TcgEngine engine = m.engine(hot(1).withRegionHot(1_000_000));
        engine.newExecutor().run(m.cpu, 2000);
        assertTrue(m.cpu.r[2] > 100, "ran into the exit loop");
        Tb head = engine.cache().get(CODE + 4, CODE + 4, m.cpu.el);
        Tb[] members = RegionSelector.select(engine.cache(), head);
        assertNotNull(members);
        assertEquals(2, members.length, "a and b; c is reached from the loop but never goes back to a");
        assertEquals(CODE + 4, members[0].key.va());
        assertEquals(CODE + 0xc, members[1].key.va());
    }

    @Test
    void exactBudgetsStopInsideARegionAtTheExactInstruction() {
        TcgTestMachine m = new TcgTestMachine(TWO_BLOCKS);
        TcgEngine engine = m.engine(regions(2));
        TcgExecutor ex = engine.newExecutor();
        long n = 0;
        for (int i = 0; i < 3000; i++) {
            long budget = 1 + i % 11;
            ex.run(m.cpu, budget);
            n += budget;
            assertEquals(n, ex.instructions());
            // Instruction k (from 0) is add x0, b, add x1, b for k % 4 = 0, 1, 2, 3.
            assertEquals((n + 3) / 4, m.cpu.r[0], "after " + n);
            assertEquals((n + 1) / 4, m.cpu.r[1], "after " + n);
            assertEquals(CODE + 4 * (n % 4), m.cpu.pc, "after " + n);
        }
        assertTrue(engine.stats().regionTransitions() > 1000, engine.report());
    }

    @Test
    void anExitRequestFromAnotherThreadLeavesARegionLoopPromptly() throws Exception {
        TcgTestMachine m = new TcgTestMachine(TWO_BLOCKS);
        TcgEngine engine = m.engine(regions(10));
        TcgExecutor ex = engine.newExecutor();
        long ms = m.runUntilStoppedByAnotherThread(ex);
        assertTrue(ms < 5000, "took " + ms + " ms");
        assertTrue(engine.stats().regionTransitions() > 1000, engine.report());
        assertEquals(ex.instructions(), 2 * (m.cpu.r[0] + m.cpu.r[1]), "stopped at a block boundary, exactly counted");
    }

    @Test
    void anInterruptIsTakenOutOfARegionLoop() throws Exception {
        TcgTestMachine m = new TcgTestMachine(
                0xd50342ff, //    0: msr daifclr, #0x2
                0x91000400, //    4: a: add x0, x0, #0x1
                0x14000001, //    8:    b c <b>
                0x91000421, //    c: b: add x1, x1, #0x1
                0x17fffffd); //  10:    b 4 <a>
        m.load(TcgTestMachine.VECTORS + 0x280, // IRQ, current EL with SP_ELx
                0xd2800027, //    0: mov x7, #0x1
                0x14000000); //   4: b 4
        TcgEngine engine = m.engine(regions(10));
        TcgExecutor ex = engine.newExecutor();
        Thread device = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(300);
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
        long elr = m.cpu.sys.elrEl1;
        assertTrue(elr == CODE + 0x4 || elr == CODE + 0xc, "interrupted at a block start: 0x" + Long.toHexString(elr));
        assertTrue(engine.stats().regionTransitions() > 1000, engine.report());
    }

    @Test
    void aStoreIntoAMemberInvalidatesTheRegionBeforeTheStaleCodeRuns() {
        TcgEngine engine = runSmcInRegion(regions(5));
        assertTrue(engine.stats().invalidations(TcgStats.Invalidation.GUEST_WRITE) >= 1, engine.report());
    }

    /**
     * The same with TBs of at most three instructions, so the store ends its block (no check after it inside the
     * block) and falls through to a member of one branch, which jumps on to the patched member: the transitions
     * after the store must notice the invalidation before the stale member runs.
     */
    @Test
    void aStoreEndingAMemberInvalidatesTheRegionBeforeTheStaleCodeRuns() {
        TcgConfig c = regions(5);
        runSmcInRegion(new TcgConfig(c.hot(), c.codeBudgetBytes(), 3, c.background(), c.regionHot()));
    }

    /**
     * Runs SMC_IN_REGION to its end under {@code config} and checks that it computed with the patched code
     * (100 + 200) inside a region; returns the engine for further checks.
     */
    private static TcgEngine runSmcInRegion(TcgConfig config) {
        TcgTestMachine m = new TcgTestMachine(SMC_IN_REGION);
        TcgEngine engine = m.engine(config);
        TcgExecutor ex = engine.newExecutor();
        runTo(m, ex, CODE + 0x3c);
        assertEquals(100 + 200, m.cpu.r[0]);
        TcgStats s = engine.stats();
        assertTrue(s.regionsFormed() >= 1, engine.report());
        assertTrue(s.regionTransitions() > 100, engine.report());
        return engine;
    }

    @Test
    void aHostWriteIntoAMemberInvalidatesTheRegion() {
        TcgTestMachine m = new TcgTestMachine(TWO_BLOCKS);
        TcgEngine engine = m.engine(regions(5));
        TcgExecutor ex = engine.newExecutor();
        ex.run(m.cpu, 10_000);
        Tb head = engine.cache().get(CODE, CODE, m.cpu.el);
        TbRegion region = head == null ? null : head.region;
        if (region == null) { // the region may be headed by the other block
            head = engine.cache().get(CODE + 8, CODE + 8, m.cpu.el);
            region = head.region;
        }
        assertNotNull(region, engine.report());
        assertTrue(region.valid);
        m.load(CODE + 0x8, 0x91000821); // add x1, x1, #0x2
        assertTrue(!region.valid, "invalidated with its member");
        long x1 = m.cpu.r[1];
        long x0 = m.cpu.r[0];
        ex.run(m.cpu, 4000);
        assertEquals(x0 + 1000, m.cpu.r[0]);
        assertEquals(x1 + 2000, m.cpu.r[1], "the new code ran");
    }

    @Test
    void aFlushWhileARegionRunsTakesEffectAndTheLoopGoesOn() throws Exception {
        TcgTestMachine m = new TcgTestMachine(TWO_BLOCKS);
        TcgEngine engine = m.engine(regions(10));
        TcgExecutor ex = engine.newExecutor();
        Thread other = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(300);
                while (engine.stats().regionsFormed() == 0) { // a slow start (a loaded host) must not flush too early
                    Thread.sleep(10);
                }
                engine.flush(); // what a full tb-size budget does from another vCPU's translation
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            m.cpu.requestExit(Cpu.EXIT_STOP);
        });
        assertTrue(ex.run(m.cpu, Long.MAX_VALUE));
        other.join();
        TcgStats s = engine.stats();
        assertEquals(1, s.flushes(), engine.report());
        assertTrue(s.regionsFormed() >= 2, "formed again after the flush\n" + engine.report());
        assertEquals(ex.instructions(), 2 * (m.cpu.r[0] + m.cpu.r[1]));
    }

    /**
     * A counter read inside a region loop sees the exact count (under -icount), as in the interpreter: the MRS may
     * call out, so the region's code must keep the count in the context, not in locals.
     */
    @Test
    void aCounterReadInsideARegionLoopSeesTheExactInstructionCount() {
        TcgEngine engine = runCounterLoop(COUNTER_IN_LOOP, 7, 3, regions(5));
        assertTrue(engine.stats().regionTransitions() > 1000, engine.report());
    }

    @Test
    void aCounterReadInsideASelfLoopSeesTheExactInstructionCount() {
        TcgEngine engine = runCounterLoop(COUNTER_IN_SELF_LOOP, 5, 1, regions(0));
        assertTrue(engine.stats().backEdges() > 1000, engine.report());
    }

    /** The same where the count is in locals: the region writes it to the context before the MRS. */
    @Test
    void aCounterReadInsideARegionLoopWithTheCountInLocalsSeesTheExactInstructionCount() {
        TcgEngine engine = runCounterLoop(COUNTER_IN_SPARSE_LOOP, 10, 6, regions(5));
        assertTrue(engine.stats().regionTransitions() > 1000, engine.report());
    }

    @Test
    void aCounterReadInsideASelfLoopWithTheCountInLocalsSeesTheExactInstructionCount() {
        TcgEngine engine = runCounterLoop(COUNTER_IN_SPARSE_SELF_LOOP, 9, 5, regions(0));
        assertTrue(engine.stats().backEdges() > 1000, engine.report());
    }

    /**
     * Runs a counter loop (2000 passes of {@code perPass} instructions after two set-up ones, the MRS
     * {@code before} instructions into a pass) under the translator and the interpreter, with deterministic time
     * of one tick per instruction, and checks the reads: pass p (from 1) reads 2 + perPass (p - 1) + before.
     */
    private static TcgEngine runCounterLoop(int[] code, int perPass, int before, TcgConfig config) {
        long passes = 2000;
        long done = CODE + 4L * (code.length - 1);
        TcgTestMachine m = new TcgTestMachine(code);
        TcgEngine engine = m.engine(config);
        TcgExecutor ex = engine.newExecutor();
        m.cpu.sys.timer.counter().setDeterministic(() -> ex.instructionsNow(m.cpu), SystemCounter.NANOS_PER_TICK);
        runTo(m, ex, done);
        assertEquals(2 + perPass * (passes - 1) + before, m.cpu.r[2], "last read");
        assertEquals(passes * (2 + before) + perPass * passes * (passes - 1) / 2, m.cpu.r[5], "sum of the reads");

        TcgTestMachine ref = new TcgTestMachine(code);
        Interpreter interp = new Interpreter(ref.decodeCache);
        ref.cpu.sys.timer.counter().setDeterministic(() -> interp.instructionsNow(ref.cpu),
                SystemCounter.NANOS_PER_TICK);
        interp.run(ref.cpu, 2 + perPass * passes);
        assertEquals(done, ref.cpu.pc);
        assertEquals(ref.cpu.r[5], m.cpu.r[5], "the interpreter's sum");
        return engine;
    }

    @Test
    void regionsMatchTheInterpreterInLockstepUpToAPreciseFault() {
        TcgTestMachine.Lockstep l = TcgTestMachine.lockstep(FAULTING_LOOP,
                m -> m.load(TcgTestMachine.VECTORS + 0x200, 0x14000000), // synchronous, current EL: b .
                TcgTestMachine.VECTORS + 0x200, regions(3), 10_000);
        Cpu cpu = l.subject().cpu;
        assertEquals(CODE + 0x10, cpu.sys.elrEl1, "the faulting load");
        assertEquals(200, cpu.r[0]);
        assertTrue(l.engine().stats().regionEntries() > 5, l.engine().report());
    }

    @Test
    void regionsWithTheCountInLocalsMatchTheInterpreterInLockstepUpToAPreciseFault() {
        TcgTestMachine.Lockstep l = TcgTestMachine.lockstep(FAULTING_SPARSE_LOOP,
                m -> m.load(TcgTestMachine.VECTORS + 0x200, 0x14000000), // synchronous, current EL: b .
                TcgTestMachine.VECTORS + 0x200, regions(3), 10_000);
        Cpu cpu = l.subject().cpu;
        assertEquals(CODE + 0x10, cpu.sys.elrEl1, "the faulting load");
        assertEquals(200, cpu.r[0]);
        assertEquals(200 * 3, cpu.r[6]);
        assertTrue(l.engine().stats().regionEntries() > 5, l.engine().report());
    }

    /**
     * 100 passes of an outer loop around a self-looping block of data processing (7 passes each): the inner block
     * is a counted self-loop (TbTranslator.isCountedSelfLoop) that keeps NZCV in locals. Its CSEL reads the
     * flags the previous pass's SUBS set, and the ADC after it the carry of its last SUBS; x0 = 100 * 28, x7 = 100.
     */
    static final int[] COUNTED_INNER_LOOP = {
            0xd2800c83, //    0: mov x3, #0x64
            0xd28000e2, //    4: outer: mov x2, #0x7
            0x8b020000, //    8: inner: add x0, x0, x2
            0x9a858005, //    c: csel x5, x0, x5, hi
            0x93410c06, //   10: sbfx x6, x0, #1, #3
            0xf1000442, //   14: subs x2, x2, #0x1
            0x54ffff81, //   18: b.ne 8 <inner>
            0x9a1f00e7, //   1c: adc x7, x7, xzr
            0xf1000463, //   20: subs x3, x3, #0x1
            0x54ffff01, //   24: b.ne 4 <outer>
            0x14000000, //   28: done: b 28
    };

    @Test
    void aCountedSelfLoopMatchesTheInterpreterInLockstep() {
        TcgTestMachine.Lockstep l = TcgTestMachine.lockstep(COUNTED_INNER_LOOP, m -> { }, CODE + 0x28, regions(3),
                100_000);
        Cpu cpu = l.subject().cpu;
        assertEquals(2800, cpu.r[0]);
        assertEquals(100, cpu.r[7], "the carry out of each inner loop's last SUBS");
        Tb inner = l.engine().cache().get(CODE + 8, CODE + 8, cpu.el);
        assertNotNull(inner.region, l.engine().report());
        assertTrue(TbTranslator.isCountedSelfLoop(inner.key.va(), inner.insns, inner.words), "a counted self-loop");
    }

    /**
     * Budgets of 1 to 29 instructions stop a counted self-loop at the exact instruction, with the count, the
     * registers and the flags of the interpreter after as many instructions: the loop settles its count when it
     * leaves (ExecCounters.emitCountedLoopExit) and stores its flags on every way out.
     */
    @Test
    void exactBudgetsStopACountedSelfLoopAtTheExactInstruction() {
        TcgEngine engine = runCountedInnerLoopInBudgets(regions(2));
        assertTrue(engine.stats().regionEntries() > 100, engine.report());
    }

    /** The same with no regions: budgets stop the inner TB's own counted self-loop at the exact instruction. */
    @Test
    void exactBudgetsStopACountedSelfLoopOfATbAtTheExactInstruction() {
        TcgEngine engine = runCountedInnerLoopInBudgets(regions(0));
        assertEquals(0, engine.stats().regionEntries(), engine.report());
        assertTrue(engine.stats().backEdges() > 100, engine.report());
    }

    private static TcgEngine runCountedInnerLoopInBudgets(TcgConfig config) {
        TcgTestMachine m = new TcgTestMachine(COUNTED_INNER_LOOP);
        TcgTestMachine ref = new TcgTestMachine(COUNTED_INNER_LOOP);
        TcgEngine engine = m.engine(config);
        TcgExecutor ex = engine.newExecutor();
        Interpreter interp = new Interpreter(ref.decodeCache);
        long n = 0;
        for (int i = 0; m.cpu.pc != CODE + 0x28 && i < 10_000; i++) {
            long budget = 1 + i % 29;
            ex.run(m.cpu, budget);
            interp.run(ref.cpu, budget);
            n += budget;
            assertEquals(n, ex.instructions());
            assertEquals(ref.cpu.pc, m.cpu.pc, "after " + n);
            assertEquals(ref.cpu.nzcv(), m.cpu.nzcv(), "after " + n);
            for (int r = 0; r < 8; r++) {
                assertEquals(ref.cpu.r[r], m.cpu.r[r], "x" + r + " after " + n);
            }
        }
        assertEquals(2800, m.cpu.r[0]);
        return engine;
    }

    /**
     * A region whose members end in TBZ and CBNZ, branches the generated code decides itself (DirectBranch): both
     * ways of the TBZ stay inside, the CBNZ's fall-through leaves; compared with the interpreter at every dispatch.
     */
    @Test
    void branchesDecidedByTheRegionMatchTheInterpreterInLockstep() {
        int[] code = {
                0xd2802583, //    0: mov x3, #0x12c
                0x91000400, //    4: loop: add x0, x0, #0x1
                0x36000040, //    8: tbz w0, #0, 10 <even>
                0x91000421, //    c: add x1, x1, #0x1
                0xd1000463, //   10: even: sub x3, x3, #0x1
                0xb5ffff83, //   14: cbnz x3, 4 <loop>
                0x14000000, //   18: done: b 18
        };
        TcgTestMachine.Lockstep l = TcgTestMachine.lockstep(code, m -> { }, CODE + 0x18, regions(3), 100_000);
        Cpu cpu = l.subject().cpu;
        assertEquals(300, cpu.r[0]);
        assertEquals(150, cpu.r[1], "the odd passes");
        assertEquals(0, cpu.r[3]);
        assertTrue(l.engine().stats().regionTransitions() > 300, l.engine().report());
    }

    /**
     * Code that keeps the guest registers in locals (LocalRegisters) writes them to {@code cpu.r} before a load and
     * reads them back after it: a memory observer (the embedding API's data hooks) sees every register current
     * at the load and may change one. One self-looping block, 500 passes of 11 instructions with one load.
     */
    @Test
    void aMemoryObserverSeesAndChangesTheRegistersOfCodeWithRegistersInLocals() {
        int[] code = {
                0x100001a2, //    0: adr x2, 34 <data>
                0x910004c6, //    4: loop: add x6, x6, #0x1
                0x910004c6, //    8: add x6, x6, #0x1
                0x910004c6, //    c: add x6, x6, #0x1
                0x910004e7, //   10: add x7, x7, #0x1
                0x91000508, //   14: add x8, x8, #0x1
                0x91000508, //   18: add x8, x8, #0x1
                0x91000508, //   1c: add x8, x8, #0x1
                0xf9400043, //   20: ldr x3, [x2]
                0x91000400, //   24: add x0, x0, #0x1
                0xf107d01f, //   28: cmp x0, #0x1f4
                0x54fffec1, //   2c: b.ne 4 <loop>
                0x14000000, //   30: done: b 30
                0x00001234, //   34: data: .quad 0x1234
                0x00000000,
        };
        TcgTestMachine m = new TcgTestMachine(code);
        TcgEngine engine = m.engine(hot(1));
        TcgExecutor ex = engine.newExecutor();
        int[] loads = {0};
        m.cpu.memory.setObserver(new MemoryObserver() {
            @Override
            public void before(Cpu cpu, int kind, long va, int size, long value) {
                long pass = cpu.r[0] + 1;
                assertEquals(3 * pass, cpu.r[6], "x6 at the load of pass " + pass);
                assertEquals(3 * pass, cpu.r[8], "x8 at the load of pass " + pass);
                assertEquals(pass + 1000 * (pass - 1), cpu.r[7], "x7 at the load of pass " + pass);
                cpu.r[7] += 1000;
                loads[0]++;
            }

            @Override
            public void after(Cpu cpu, int kind, long va, int size, long value) {
            }
        });
        runTo(m, ex, CODE + 0x30);
        assertEquals(500, loads[0]);
        assertEquals(0x1234, m.cpu.r[3]);
        assertEquals(500 + 500 * 1000, m.cpu.r[7], "the observer's changes kept");
        assertTrue(engine.stats().backEdges() > 400, engine.report());
    }

    @Test
    void callsAndReturnsMatchTheInterpreterInLockstep() {
        TcgTestMachine.Lockstep l = TcgTestMachine.lockstep(CALL_LOOP, m -> { }, CODE + 0x18, regions(3), 100_000);
        assertEquals(499 * 500 / 2, l.subject().cpu.r[0]);
        assertTrue(l.engine().stats().regionTransitions() > 500, l.engine().report());
    }
}
