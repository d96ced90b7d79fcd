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
        TcgTestMachine m = new TcgTestMachine(HotLoopRegionTest.OUTER_AND_INNER_LOOP);
        // a runs once per 204 instructions, more than HOT_LOOP_INSNS apart; the inner loop once per 2.
        TcgEngine engine = m.engine(hot(HIGH));
        engine.newExecutor().run(m.cpu, 204 * 2_000); // a: 2 000 executions, above LOOP_HOT
        assertNotNull(engine.cache().get(CODE + 0xc, CODE + 0xc, m.cpu.el), engine.report());
        assertNull(engine.cache().get(CODE, CODE, m.cpu.el), engine.report());
    }
}
