package dev.armature.testrunner;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UnittestsCfgTest {
    @Test
    void parsesKvmUnitTestsSections() {
        UnittestsCfg cfg = UnittestsCfg.parse(List.of(
                "# TCG Tests",
                "[tcg::tight-smc]",
                "file = tcg-test.flat",
                "smp = $(($MAX_SMP>4?4:$MAX_SMP))",
                "extra_params = -append 'tight smc' -accel tcg,tb-size=1",
                "groups = nodefault mttcg",
                "accel = tcg",
                "timeout = 2m",
                "",
                "[selftest-setup]",
                "file = selftest.flat",
                "frobnicate = yes"), "u.cfg");
        assertEquals(2, cfg.tests().size());
        TestSpec t = cfg.tests().get(0);
        assertEquals("tcg::tight-smc", t.name());
        assertEquals(List.of("-append", "tight smc", "-accel", "tcg,tb-size=1"), t.extraParams());
        assertEquals(Set.of("nodefault", "mttcg"), t.groups());
        assertTrue(t.nodefault());
        assertEquals("tcg", t.accel());
        assertEquals(120.0, t.timeoutSeconds());
        assertEquals(List.of("u.cfg:12: unknown key 'frobnicate' in [selftest-setup]"), cfg.warnings());
    }

    @Test
    void malformedLinesNameTheirPlace() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> UnittestsCfg.parse(List.of("[a]", "file = x", "just words"), "bad.cfg"));
        assertEquals("bad.cfg:3: expected 'key = value', got 'just words'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> UnittestsCfg.parse(List.of("[a]", "smp = 2"), "n.cfg"));
        assertTrue(e.getMessage().contains("has no 'file'"));
    }

    @Test
    void shellArithmeticAsUsedForSmp() {
        assertEquals(4, ShellArithmetic.evaluate("$(($MAX_SMP>4?4:$MAX_SMP))", Map.of("MAX_SMP", 8L)));
        assertEquals(2, ShellArithmetic.evaluate("$(($MAX_SMP>4?4:$MAX_SMP))", Map.of("MAX_SMP", 2L)));
        assertEquals(3, ShellArithmetic.evaluate("3", Map.of()));
        assertEquals(7, ShellArithmetic.evaluate("$((1 + 2 * 3))", Map.of()));
        assertEquals(1, ShellArithmetic.evaluate("$(( (MAX_SMP - 1) / 2 ))", Map.of("MAX_SMP", 3L)));
        assertThrows(IllegalArgumentException.class, () -> ShellArithmetic.evaluate("$((NOPE))", Map.of()));
        assertThrows(IllegalArgumentException.class, () -> ShellArithmetic.evaluate("$((1 +))", Map.of()));
    }

    @Test
    void shellWordsHonourQuotes() {
        assertEquals(List.of("-append", "a b", "-x", "c\"d", "e f"),
                ShellWords.split(" -append 'a b'  -x c\\\"d \"e f\""));
        assertThrows(IllegalArgumentException.class, () -> ShellWords.split("-append 'open"));
    }
}
