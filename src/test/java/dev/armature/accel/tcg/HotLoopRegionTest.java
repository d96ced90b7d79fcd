package dev.armature.accel.tcg;

import org.junit.jupiter.api.Test;

import static dev.armature.accel.tcg.TcgTestMachine.CODE;
import static dev.armature.accel.tcg.TcgTestMachine.hot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Regions formed for hot loops get their own class name, which the launcher's compile policy matches
 * ({@link RegionTranslator#HOT_LOOP_PREFIX}); regions whose head got hot now and then keep the plain one.
 */
class HotLoopRegionTest {
    private static final String PLAIN = RegionTranslator.PREFIX;
    private static final String HOT_LOOP = RegionTranslator.HOT_LOOP_PREFIX;

    private static String regionClassOf(TcgEngine engine, long va, int el) {
        Tb head = engine.cache().get(va, va, el);
        assertNotNull(head, engine.report());
        TbRegion r = head.region;
        assertNotNull(r, "no region headed at 0x" + Long.toHexString(va) + "\n" + engine.report());
        return r.getClass().getName();
    }

    @Test
    void aLoopThatRunsAloneFormsAHotLoopRegion() {
        TcgTestMachine m = new TcgTestMachine(TbRegionTest.TWO_BLOCKS); // 4 instructions per pass
        TcgEngine engine = m.engine(hot(1).withRegionHot(10));
        engine.newExecutor().run(m.cpu, 10_000);
        assertTrue(regionClassOf(engine, CODE, m.cpu.el).startsWith(HOT_LOOP), engine.report());
        assertEquals(1, engine.stats().regionsFormed(), engine.report());
        assertTrue(engine.report().contains("(1 hot loops;"), engine.report());
    }

    /** An outer block a run once per 204 instructions: the inner loop's 100 passes of 2 between its runs. */
    static final int[] OUTER_AND_INNER_LOOP = {
            0x91000400, //    0: a: add x0, x0, #0x1
            0xd2800c82, //    4:    mov x2, #0x64
            0x14000001, //    8:    b c <inner>
            0xf1000442, //    c: inner: subs x2, x2, #0x1
            0x54ffffe1, //   10:    b.ne c <inner>
            0x17fffffb, //   14:    b 0 <a>
    };

    @Test
    void aHeadDispatchedOncePerLongInnerLoopFormsAPlainRegion() {
        TcgTestMachine m = new TcgTestMachine(OUTER_AND_INNER_LOOP);
        // a is dispatched once per 204 instructions, the inner self-loop's 200 running inside its TB.
        TcgEngine engine = m.engine(hot(1).withRegionHot(10));
        engine.newExecutor().run(m.cpu, 20_000);
        assertTrue(regionClassOf(engine, CODE, m.cpu.el).startsWith(PLAIN), engine.report());
        assertTrue(engine.report().contains("(0 hot loops;"), engine.report());
    }
}
