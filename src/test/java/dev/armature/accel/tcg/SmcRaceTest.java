package dev.armature.accel.tcg;

import dev.armature.memory.PhysicalMemory;
import dev.armature.memory.Region;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static dev.armature.accel.tcg.TcgTestMachine.CODE;
import static dev.armature.accel.tcg.TcgTestMachine.hot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The self-modifying-code race of a vCPU store through a soft-TLB write entry: the store passed its entry check
 * just before the translator marked the page (which drops the entry), and lands only after the translator would
 * have read the instructions. It is never reported as a code write, so the translator itself must wait for it.
 * The test plays the storing vCPU by hand: executing, holding the store back until the translator is parked.
 */
class SmcRaceTest {
    private static final int SUB_X0_X0_X1 = 0xcb010000;

    @Test
    void storeInFlightWhenThePageIsMarkedIsSeenByTheTranslation() throws Exception {
        TcgTestMachine m = new TcgTestMachine(TcgExecutorTest.SUM_LOOP);
        TcgEngine engine = m.engine(hot(0));
        // The vCPU caches a write mapping of the code page while it is not code yet (rewrites the same word).
        m.cpu.memory.write(CODE + 8, 4, TcgExecutorTest.SUM_LOOP[2]);
        m.cpu.executing = true; // ... and is now between that entry's check and its store

        AtomicReference<Tb> translated = new AtomicReference<>();
        Thread translator = Thread.ofPlatform().name("translator").start(
                () -> translated.set(engine.translate(CODE, CODE, 1, null)));
        // Wait until the translator parks in its barrier (or, without one, has finished: then the test fails).
        while (translator.isAlive() && translator.getState() != Thread.State.TIMED_WAITING) {
            Thread.onSpinWait();
        }
        boolean waited = translator.isAlive();

        Region ram = m.phys.find(CODE);
        PhysicalMemory.store(ram.ram(), CODE + 8 - ram.base(), 4, SUB_X0_X0_X1); // the late fast-path store
        m.cpu.memory.serviceFlushRequests(); // the vCPU reaches its next instruction boundary
        translator.join();
        m.cpu.executing = false;

        assertTrue(waited, "the translator finished while a vCPU store could still be in flight");
        Tb tb = translated.get();
        assertTrue(tb == null || tb.insns[2] == m.decodeCache.get(SUB_X0_X0_X1), "stale TB: " + tb);
        // And the program runs the new code: the sum counts down instead of up.
        TcgExecutor ex = engine.newExecutor();
        while (m.cpu.pc != CODE + 0x14) {
            ex.run(m.cpu, 1000);
        }
        assertEquals(-500_500, m.cpu.r[0], engine.report());
    }

    /**
     * Regression (found by -lockstep): the lockstep tester's single-dispatch entry ran guest code without marking
     * the vCPU executing, so a background translation's barrier did not wait for its stores and kept a patched
     * function stale. Every way of running guest code must set the flag.
     */
    @Test
    void aSingleDispatchRunsMarkedExecuting() {
        TcgTestMachine m = new TcgTestMachine(
                0xd4000001, //    0: svc #0
                0x14000000); //   4: b 4
        boolean[] seen = new boolean[2];
        m.cpu.exceptionHook = (cpu, e) -> {
            seen[0] = true;
            seen[1] = cpu.executing;
            return true;
        };
        TcgExecutor ex = m.engine(hot(0)).newExecutor();
        ex.step(m.cpu);
        assertTrue(seen[0], "the SVC ran");
        assertTrue(seen[1], "executing while the dispatch ran guest code");
        assertEquals(false, m.cpu.executing, "and cleared after");
    }

    @Test
    void markingAnAlreadyMarkedPageWaitsForNoOne() {
        TcgTestMachine m = new TcgTestMachine(TcgExecutorTest.SUM_LOOP);
        m.phys.codePages().mark(CODE, null); // nobody executing: returns at once
        m.cpu.executing = true;
        // Marked before: its barrier is over, so this must not wait for the executing vCPU (it would hang).
        assertEquals(false, m.phys.codePages().mark(CODE + 4, null));
        m.cpu.executing = false;
    }
}
