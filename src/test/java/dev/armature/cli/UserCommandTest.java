package dev.armature.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Bad input to {@code armature user} gets one clear line and exit status 1. */
class UserCommandTest {
    private static String[] run(String... args) {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        try {
            int status = new CommandLine(new Main()).execute(args);
            return new String[] {Integer.toString(status), err.toString().strip()};
        } finally {
            System.setErr(saved);
        }
    }

    @Test
    void optionsAfterTheProgramBelongToTheGuest() {
        CommandLine cl = new CommandLine(new Main());
        cl.parseArgs("user", "-strace", "-E", "A=1", "prog", "-strace", "-E", "--x");
        UserCommand user = cl.getSubcommands().get("user").getCommand();
        assertEquals(java.util.List.of("prog", "-strace", "-E", "--x"), user.argv);
        assertEquals(true, user.strace);
        assertEquals(java.util.List.of("A=1"), user.setEnv);
    }

    @Test
    void rejectsFilesThatAreNotAarch64Programs(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("script.sh");
        Files.writeString(script, "#!/bin/sh\necho hi\n");
        String[] r = run("user", script.toString());
        assertEquals("1", r[0]);
        assertEquals("armature user: " + script + ": not an ELF file (no \\x7fELF magic)", r[1]);
    }

    @Test
    void reportsMissingFilesAndUnknownModels(@TempDir Path dir) {
        String[] r = run("user", dir.resolve("nope").toString());
        assertEquals("1", r[0]);
        assertEquals("armature user: " + dir.resolve("nope") + ": no such file", r[1]);
        r = run("user", "-cpu", "cortex-a99", "prog");
        assertEquals("armature user: unknown CPU model 'cortex-a99' (available: cortex-a57, max)", r[1]);
        r = run("user", "-E", "NOVALUE", "prog");
        assertEquals("armature user: -E needs VAR=VALUE, got 'NOVALUE'", r[1]);
        r = run("user", "-d", "bogus", "prog");
        assertEquals("armature user: unknown -d item 'bogus' (available: syscalls)", r[1]);
    }
}
