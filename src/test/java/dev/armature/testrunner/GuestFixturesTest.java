package dev.armature.testrunner;

import dev.armature.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runner end to end on our guest suite's fixtures: real emulator processes running the committed images. A
 * failing guest and a hung guest must be reported as FAIL with the right reason, and the run must finish.
 */
class GuestFixturesTest {
    @TempDir
    Path tmp;

    @Test
    void fixturesAreReportedWithTheirReasons() throws Exception {
        Path cfg = Path.of("guest", "unittests.cfg");
        List<TestSpec> fixtures = UnittestsCfg.read(cfg).tests().stream()
                .filter(t -> List.of("selftest", "fail", "abort", "hang").contains(t.name())).toList();
        String java = ProcessHandle.current().info().command().orElseThrow();
        GuestTestRunner runner = new GuestTestRunner(new GuestTestRunner.Settings(Path.of("guest", "images"),
                tmp.resolve("logs"), "interp", 8, 60,
                List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                        Main.class.getName())));
        Map<String, Outcome> byName = runner.runAll(fixtures, 2, o -> { }).stream()
                .collect(Collectors.toMap(Outcome::name, Function.identity()));
        assertEquals(Outcome.Status.PASS, byName.get("selftest").status(), byName.get("selftest").line());
        assertEquals("FAIL fail (1 unexpected failures, first: fail: this check fails on purpose)",
                byName.get("fail").line());
        assertEquals("FAIL abort (guest aborted)", byName.get("abort").line());
        assertEquals("FAIL hang (timeout after 3 s)", byName.get("hang").line());
    }

    /**
     * A {@code migration} test runs in two emulators: the power-state scenario passes only if the destination got
     * the migrated VM (the checks after the prompt run there) and the log holds both consoles.
     */
    @Test
    void migrationTestsAreMigratedBetweenTwoEmulators() throws Exception {
        TestSpec t = UnittestsCfg.read(Path.of("guest", "unittests.cfg")).tests().stream()
                .filter(s -> s.name().equals("migrate-power")).findFirst().orElseThrow();
        String java = ProcessHandle.current().info().command().orElseThrow();
        GuestTestRunner runner = new GuestTestRunner(new GuestTestRunner.Settings(Path.of("guest", "images"),
                tmp.resolve("logs"), "tcg", 8, 180,
                List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                        Main.class.getName())));
        Outcome o = runner.run(t);
        String log = Files.readString(o.log());
        assertEquals(Outcome.Status.PASS, o.status(), o.line() + "\n" + log);
        int prompt = log.indexOf(MigrationRun.PROMPT);
        int moved = log.indexOf("--- migrated to the destination ---");
        int after = log.indexOf("PASS: before reset: CPU 2 is off after the migration");
        assertTrue(prompt > 0 && moved > prompt && after > moved, log);
    }
}
