package dev.armature.accel.tcg;

import org.junit.jupiter.api.Test;

import static dev.armature.accel.tcg.TcgTestMachine.CODE;
import static dev.armature.accel.tcg.TcgTestMachine.hot;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Blocks that get hot in a loop are translated after {@link TcgExecutor#LOOP_HOT} executions, long before a high
 * {@code hot} threshold; blocks run now and then wait for the threshold.
 */
class LoopHotTest {
    private static final int HIGH = 50_000;

    @Test
    void aTightLoopIsTranslatedBeforeTheThreshold() {
        TcgTestMachine m = new TcgTestMachine(TbRegionTest.TWO_BLOCKS); // 4 instructions per pass
        TcgEngine engine = m.engine(hot(HIGH));
        engine.newExecutor().run(m.cpu, 20_000); // 5 000 passes: far below the threshold
        assertNotNull(engine.cache().get(CODE, CODE, m.cpu.el), engine.report());
        assertNotNull(engine.cache().get(CODE + 8, CODE + 8, m.cpu.el), engine.report());
        assertTrue(engine.report().matches("(?s).*hot in a loop +2 block starts.*"), engine.report());
    }

    @Test
    void aBlockRunOncePerLongInnerLoopWaitsForTheThreshold() {
        TcgTestMachine m = new TcgTestMachine(
                0x91000400, //    0: a: add x0, x0, #0x1
                0xd2800c82, //    4:    mov x2, #0x64
                0x14000001, //    8:    b c <inner>
                0xf1000442, //    c: inner: subs x2, x2, #0x1
                0x54ffffe1, //   10:    b.ne c <inner>
                0x17fffffb); //  14:    b 0 <a>
        // a runs once per 204 instructions, more than HOT_LOOP_INSNS apart; the inner loop once per 2.
        TcgEngine engine = m.engine(hot(HIGH));
        engine.newExecutor().run(m.cpu, 204 * 2_000); // a: 2 000 executions, above LOOP_HOT
        assertNotNull(engine.cache().get(CODE + 0xc, CODE + 0xc, m.cpu.el), engine.report());
        assertNull(engine.cache().get(CODE, CODE, m.cpu.el), engine.report());
    }
}
