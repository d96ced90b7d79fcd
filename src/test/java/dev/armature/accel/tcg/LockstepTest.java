package dev.armature.accel.tcg;

import dev.armature.accel.interp.Interpreter;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static dev.armature.accel.tcg.TcgTestMachine.CODE;
import static dev.armature.accel.tcg.TcgTestMachine.VECTORS;
import static dev.armature.accel.tcg.TcgTestMachine.hot;
import static dev.armature.accel.tcg.TcgTestMachine.lockstep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The translator agrees with the interpreter at every block boundary. */
class LockstepTest {
    /** Two loads from unmapped memory, each skipped by the handler at VBAR_EL1 + 0x200. */
    static final int[] FAULTING_LOADS = {
            0xd2800020, //    0: mov x0, #0x1
            0xd2820001, //    4: mov x1, #0x1000
            0xf9400022, //    8: ldr x2, [x1]        (bus error: synchronous external abort)
            0x91000400, //    c: add x0, x0, #0x1
            0xf9400422, //   10: ldr x2, [x1, #8]
            0x91000400, //   14: add x0, x0, #0x1
            0x14000000, //   18: b 18
    };

    /** Current EL with SP_ELx, synchronous: skip the faulting instruction and count. */
    static final int[] SKIP_HANDLER = {
            0xd538520a, //    0: mrs x10, esr_el1
            0xd538402b, //    4: mrs x11, elr_el1
            0x9100116b, //    8: add x11, x11, #0x4
            0xd518402b, //    c: msr elr_el1, x11
            0x9100058c, //   10: add x12, x12, #0x1
            0xd69f03e0, //   14: eret
    };

    private static void noSetup(TcgTestMachine m) {
    }

    @Test
    void loops() {
        var r = lockstep(TcgExecutorTest.SUM_LOOP, LockstepTest::noSetup, CODE + 0x14, hot(0), 10_000);
        assertEquals(500_500, r.subject().cpu.r[0]);
        r = lockstep(TcgExecutorTest.THREE_BLOCK_LOOP, LockstepTest::noSetup, CODE + 0x1c, hot(3), 20_000);
        assertEquals(2_004_000, r.subject().cpu.r[0]);
        assertTrue(r.engine().stats().translatedInsns() > 5000);
    }

    @Test
    void callsThroughAJumpTable() {
        var r = lockstep(TcgExecutorTest.JUMP_TABLE, LockstepTest::noSetup, CODE + 0x24, hot(2), 10_000);
        assertEquals(83_325, r.subject().cpu.r[0]);
    }

    @Test
    void selfModifyingCode() {
        var r = lockstep(TcgExecutorTest.SMC_LOOP, LockstepTest::noSetup, CODE + 0x2c, hot(2), 10_000);
        assertEquals(300, r.subject().cpu.r[0]);
        r = lockstep(TcgExecutorTest.SMC_SAME_BLOCK, LockstepTest::noSetup, CODE + 0x10, hot(0), 100);
        assertEquals(2, r.subject().cpu.r[5]);
    }

    @Test
    void exceptionsInTheMiddleOfABlockArePrecise() {
        var r = lockstep(FAULTING_LOADS, m -> m.load(VECTORS + 0x200, SKIP_HANDLER), CODE + 0x18, hot(0), 100);
        var cpu = r.subject().cpu;
        assertEquals(3, cpu.r[0]);
        assertEquals(2, cpu.r[12], "two aborts taken");
        assertEquals(CODE + 0x10, cpu.r[11] - 4, "ELR of the second abort is the faulting load");
        assertEquals(0x25, cpu.r[10] >>> 26, "ESR.EC: data abort, same EL");
        assertTrue(r.engine().stats().exits(TcgStats.Exit.EXCEPTION) >= 2, r.engine().report());
    }

    @Test
    void divergenceIsReportedWithBlockAndRegisters() {
        // Same program, but the reference machine starts with a different x1: the first compare fails.
        TcgTestMachine ref = new TcgTestMachine(TcgExecutorTest.SUM_LOOP);
        TcgTestMachine sub = new TcgTestMachine(TcgExecutorTest.SUM_LOOP);
        ref.cpu.r[7] = 1;
        LockstepTester t = new LockstepTester(ref.cpu, new Interpreter(ref.decodeCache), sub.cpu,
                sub.engine(hot(0)).newExecutor());
        Optional<LockstepTester.Divergence> d = t.run(CODE + 0x14, 10_000);
        assertTrue(d.isPresent());
        assertTrue(d.get().toString().contains("x7"), d.get().toString());
    }
}
