package dev.armature.accel.tcg;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TcgConfigTest {
    @Test
    void parsesQemuStyleOptions() {
        TcgConfig c = TcgConfig.parse("tcg,hot=7,tb-size=16,tb-insns=32,background=off,region-hot=0");
        assertEquals(7, c.hot());
        assertEquals(false, c.background());
        assertEquals(16L << 20, c.codeBudgetBytes());
        assertEquals(32, c.maxInsns());
        assertEquals(0, c.regionHot());
        assertEquals(TcgConfig.DEFAULT_REGION_HOT, TcgConfig.parse("tcg").regionHot());
        assertEquals(TcgConfig.defaults(), TcgConfig.parse("tcg"));
    }

    @Test
    void badOptionsNameTheProblem() {
        var e = assertThrows(IllegalArgumentException.class, () -> TcgConfig.parse("tcg,hot=-1"));
        assertTrue(e.getMessage().contains("hot"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TcgConfig.parse("tcg,speed=9"));
        assertTrue(e.getMessage().contains("speed"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TcgConfig.parse("tcg,tb-size"));
        assertTrue(e.getMessage().contains("tb-size"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TcgConfig.parse("tcg,tb-insns=100000"));
        assertTrue(e.getMessage().contains("tb-insns"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TcgConfig.parse("tcg,region-hot=-5"));
        assertTrue(e.getMessage().contains("region-hot"), e.getMessage());
    }
}
