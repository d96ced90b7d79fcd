package dev.armature.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Repeated {@code -accel}, with the outcomes observed on qemu-system-aarch64 7.2 (stderr and status noted per
 * case): the first accelerator that initialises wins, unknown ones are skipped with a warning, later options are
 * never checked.
 */
class AccelChoiceTest {
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    private String choose(String... options) throws CliError {
        return AccelChoice.choose(List.of(options), err);
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void defaultIsTcg() throws CliError {
        assertEquals("tcg", choose());
        assertEquals("", err());
    }

    @Test
    void firstAcceleratorWinsAndLaterOnesAreNotLookedAt() throws CliError {
        // QEMU: "-accel tcg -accel tcg,tb-size=1" and "-accel tcg -accel tcg,foo=1" run silently, status 0.
        assertEquals("tcg", choose("tcg", "tcg,tb-size=1"));
        assertEquals("tcg,tb-size=1", choose("tcg,tb-size=1", "tcg,tb-size=2"));
        assertEquals("tcg", choose("tcg", "tcg,foo=1"));
        assertEquals("tcg", choose("tcg", "tcg,tb-size=abc"));
        assertEquals("interp", choose("interp", "tcg"));
        assertEquals("tcg", choose("tcg", "kvm"));
        assertEquals("", err());
    }

    @Test
    void unknownAcceleratorsFallBack() throws CliError {
        // QEMU: "-accel bogus -accel kvm -accel tcg" prints two "invalid accelerator" lines and
        // "falling back to tcg", then runs.
        assertEquals("tcg,tb-size=8", choose("bogus", "kvm", "tcg,tb-size=8"));
        assertEquals("""
                armature: -accel bogus: invalid accelerator bogus (Armature has tcg and interp)
                armature: -accel kvm: invalid accelerator kvm (Armature has tcg and interp)
                armature: falling back to tcg
                """, err().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void propertiesOfAnUnknownAcceleratorDoNotMatter() throws CliError {
        assertEquals("tcg", choose("kvm,foo=1", "tcg")); // QEMU: "invalid accelerator kvm", falls back
    }

    @Test
    void noAcceleratorIsFatal() {
        // QEMU: "-accel kvm -accel bogus" reports both and exits with 1.
        CliError e = assertThrows(CliError.class, () -> choose("kvm", "bogus"));
        assertEquals("-accel bogus: invalid accelerator bogus (Armature has tcg and interp)", e.getMessage());
        assertEquals(1, e.status);
        assertEquals("armature: -accel kvm: invalid accelerator kvm (Armature has tcg and interp)\n",
                err().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void badPropertyOfTheWinnerIsFatalEvenIfAnotherFollows() {
        // QEMU: "-accel tcg,foo=1 -accel tcg" → "Property 'tcg-accel.foo' not found", status 1.
        CliError e = assertThrows(CliError.class, () -> choose("tcg,foo=1", "tcg"));
        assertEquals("-accel foo: unsupported accelerator property", e.getMessage());
        e = assertThrows(CliError.class, () -> choose("tcg,tb-size=abc", "tcg"));
        assertEquals(2, e.status);
    }

    @Test
    void malformedLaterOptionIsRefusedWhenTheCommandLineIsRead() {
        // Armature's option syntax refuses a repeated key everywhere (QEMU keeps the last one).
        CliError e = assertThrows(CliError.class, () -> choose("tcg", "tcg,tb-size=1,tb-size=2"));
        assertEquals("-accel tcg,tb-size=1,tb-size=2: 'tb-size' given twice", e.getMessage());
    }
}
