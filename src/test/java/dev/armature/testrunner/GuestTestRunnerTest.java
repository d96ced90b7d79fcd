package dev.armature.testrunner;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Drives the runner with stand-in emulators (shell scripts) that behave like passing, failing, hung guests. */
class GuestTestRunnerTest {
    @TempDir
    Path tmp;

    private GuestTestRunner runner(String script, double timeout) throws IOException {
        Path emu = tmp.resolve("emu.sh");
        Files.writeString(emu, "#!/bin/sh\n" + script + "\n");
        emu.toFile().setExecutable(true);
        Files.writeString(tmp.resolve("t.flat"), "image");
        return new GuestTestRunner(new GuestTestRunner.Settings(tmp, tmp.resolve("logs"), "tcg", 4, timeout,
                List.of(emu.toString())));
    }

    private static TestSpec spec(String name, String smp) {
        return new TestSpec(name, "t.flat", smp, List.of(), Set.of(), null, null, 0, List.of(), null);
    }

    @Test
    void passingGuestViaTestdevExitCode() throws Exception {
        Outcome o = runner("echo 'PASS: a'; echo 'PASS: b'; echo 'SUMMARY: 2 tests'; exit 1", 20).run(spec("ok", null));
        assertEquals(Outcome.Status.PASS, o.status());
        assertEquals(2, o.checks());
        assertTrue(o.line().startsWith("PASS ok (2 tests, "), o.line());
        assertTrue(Files.readString(o.log()).contains("PASS: b"));
    }

    @Test
    void failingGuestNamesItsFirstFailure() throws Exception {
        Outcome o = runner("echo 'PASS: a'; echo 'FAIL: b broke'; exit 3", 20).run(spec("bad", null));
        assertEquals(Outcome.Status.FAIL, o.status());
        assertEquals("FAIL bad (1 unexpected failures, first: b broke)", o.line());
    }

    @Test
    void systemOffFallsBackToTheExitStatusLine() throws Exception {
        Outcome pass = runner("echo 'EXIT: STATUS=1'; exit 0", 20).run(spec("off", null));
        assertEquals(Outcome.Status.PASS, pass.status());
        Outcome skip = runner("echo 'SKIP: x'; echo 'EXIT: STATUS=77'; exit 0", 20).run(spec("s", null));
        assertEquals(Outcome.Status.SKIP, skip.status());
        Outcome none = runner("exit 0", 20).run(spec("quiet", null));
        assertEquals("FAIL quiet (guest stopped without an exit status)", none.line());
        Outcome err = runner("echo 'armature: bad option -x'; exit 2", 20).run(spec("e", null));
        assertEquals("FAIL e (emulator exited with 2: armature: bad option -x)", err.line());
    }

    @Test
    void emulatorErrorWithStatusOneIsNotAPass() throws Exception {
        // Armature (like QEMU) exits with 1 on a command-line error: the same status as chr-testdev's "pass".
        Outcome o = runner("echo 'armature: -accel given more than once'; exit 1", 20).run(spec("e1", null));
        assertEquals("FAIL e1 (emulator exited with 1: armature: -accel given more than once)", o.line());
    }

    @Test
    void testWithItsOwnAccelOptionsReplacesTheRunnersOrIsSkipped() throws Exception {
        GuestTestRunner r = runner("echo \"$@\"; echo 'SUMMARY: 1 tests'; exit 1", 20);
        TestSpec own = new TestSpec("tb", "t.flat", null, List.of("-accel", "tcg,tb-size=1"), Set.of(), null, null,
                0, List.of(), null);
        Outcome o = r.run(own);
        assertEquals(Outcome.Status.PASS, o.status());
        String args = Files.readAllLines(o.log()).get(1);
        assertEquals(1, args.split("-accel", -1).length - 1, args);
        assertTrue(args.contains("-accel tcg,tb-size=1"), args);
        GuestTestRunner interp = new GuestTestRunner(new GuestTestRunner.Settings(tmp, tmp.resolve("logs"), "interp",
                4, 20, List.of(tmp.resolve("emu.sh").toString())));
        assertEquals("SKIP tb (extra_params select -accel tcg,tb-size=1)", interp.run(own).line());
    }

    @Test
    void runnersAccelWithOptionsIsPassedAsGivenAndMatchedByItsName() throws Exception {
        runner("echo \"$@\"; echo 'SUMMARY: 1 tests'; exit 1", 20); // writes the script and the image
        GuestTestRunner r = new GuestTestRunner(new GuestTestRunner.Settings(tmp, tmp.resolve("logs"),
                "tcg,hot=1000", 4, 20, List.of(tmp.resolve("emu.sh").toString())));
        Outcome plain = r.run(spec("plain", null));
        assertTrue(Files.readAllLines(plain.log()).get(1).contains("-accel tcg,hot=1000"), plain.line());
        TestSpec own = new TestSpec("tb", "t.flat", null, List.of("-accel", "tcg,tb-size=1"), Set.of(), null, null,
                0, List.of(), null);
        Outcome o = r.run(own);
        assertEquals(Outcome.Status.PASS, o.status(), o.line()); // same accelerator: runs with its own options
        String args = Files.readAllLines(o.log()).get(1);
        assertEquals(1, args.split("-accel", -1).length - 1, args);
        TestSpec interpOnly = new TestSpec("i", "t.flat", null, List.of(), Set.of(), "interp", null, 0, List.of(),
                null);
        assertEquals("SKIP i (needs accel interp)", r.run(interpOnly).line());
    }

    @Test
    void expectOutputTurnsAPassWithoutTheLineIntoAFailure() throws Exception {
        GuestTestRunner r = runner("echo 'PASS: a'; echo 'TB flush count        0' >&2; exit 1", 20);
        TestSpec flushes = new TestSpec("tb", "t.flat", null, List.of(), Set.of(), null, null, 0, List.of(),
                java.util.regex.Pattern.compile("^TB flush count +[1-9]"));
        assertEquals("FAIL tb (no output line matches expect_output /^TB flush count +[1-9]/)", r.run(flushes).line());
        GuestTestRunner r2 = runner("echo 'PASS: a'; echo 'TB flush count        12' >&2; exit 1", 20);
        assertEquals(Outcome.Status.PASS, r2.run(flushes).status());
    }

    @Test
    void hungGuestIsStoppedAndReportedAsTimeout() throws Exception {
        long start = System.nanoTime();
        Outcome o = runner("echo 'PASS: started'; exec sleep 60", 1).run(spec("hang", null));
        assertEquals("FAIL hang (timeout after 1 s)", o.line());
        assertTrue((System.nanoTime() - start) / 1e9 < 20, "the runner must not wait for the hung guest");
    }

    @Test
    void smpBeyondMaxIsSkippedWithReason() throws Exception {
        Outcome o = runner("exit 1", 20).run(spec("big", "$((MAX_SMP*2))"));
        assertEquals("SKIP big (needs 8 vCPUs, MAX_SMP is 4)", o.line());
    }

    @Test
    void junitXmlValidatesAgainstTheSchema() throws Exception {
        GuestTestRunner r = runner("echo 'PASS: <&>'; echo 'FAIL: \"q\"'; exit 3", 20);
        List<Outcome> outcomes = List.of(r.run(spec("a", null)), r.run(spec("b", "$((MAX_SMP+1))")),
                new Outcome("c", Outcome.Status.PASS, null, 1, 0.5, null));
        Path xml = tmp.resolve("out.xml");
        JUnitXml.write(xml, "armature-guest", outcomes);
        var schema = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
                .newSchema(new StreamSource(getClass().getResourceAsStream("junit.xsd")));
        schema.newValidator().validate(new StreamSource(xml.toFile())); // throws on any violation
        String text = Files.readString(xml);
        assertTrue(text.contains("tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\""), text);
        assertTrue(text.contains("PASS: &lt;&amp;&gt;"), text);
    }
}
