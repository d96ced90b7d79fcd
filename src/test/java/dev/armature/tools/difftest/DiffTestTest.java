package dev.armature.tools.difftest;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DiffTestTest {
    private static String[] run(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        try {
            int status = new CommandLine(new DiffTest()).execute(args);
            return new String[] {Integer.toString(status), out.toString()};
        } finally {
            System.setOut(saved);
        }
    }

    private static String lastLine(String s) {
        String[] lines = s.strip().split("\n");
        return lines[lines.length - 1];
    }

    @Test
    void aSmallSampleAgreesWithQemu() {
        Assumptions.assumeTrue(Engines.qemuAvailable(), "qemu-aarch64 is not installed");
        String[] r = run("--count", "300", "--seed", "3", "--batch", "100");
        assertEquals("300 compared, 0 divergences", lastLine(r[1]), r[1]);
        assertEquals("0", r[0]);
    }

    @Test
    void fpAndSimdSamplesAgreeWithQemu() {
        Assumptions.assumeTrue(Engines.qemuAvailable(), "qemu-aarch64 is not installed");
        for (String cls : new String[] {"fp", "simd"}) {
            String[] r = run("--count", "600", "--seed", "2", "--class", cls, "--batch", "300");
            assertEquals("600 compared, 0 divergences", lastLine(r[1]), r[1]);
        }
    }

    @Test
    void theTranslatorAgreesWithQemuToo() {
        Assumptions.assumeTrue(Engines.qemuAvailable(), "qemu-aarch64 is not installed");
        String[] r = run("--count", "300", "--seed", "5", "--accel", "tcg", "--repeat", "60");
        assertEquals("300 compared, 0 divergences", lastLine(r[1]), r[1]);
    }

    @Test
    void casesThatKillBothEmulatorsTheSameWayAgree() {
        // LSE words on cortex-a57 are UNDEFINED in both: every case stops its batch and is settled alone.
        Assumptions.assumeTrue(Engines.qemuAvailable(), "qemu-aarch64 is not installed");
        String[] r = run("--count", "5", "--seed", "4", "--class", "lse", "--cpu", "cortex-a57");
        assertEquals("5 compared, 0 divergences", lastLine(r[1]), r[1]);
    }

    @Test
    void reportsShowOnlyWhatDiffers() {
        long[] x = new long[31];
        TestCase c = new TestCase("alu", new int[] {0x9100_0420}, x, 0, 0, null);
        ByteBuffer a = ByteBuffer.allocate(BatchProgram.RECORD).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer b = ByteBuffer.allocate(BatchProgram.RECORD).order(ByteOrder.LITTLE_ENDIAN);
        a.putLong(8 + 8 * 5, 0x55).putLong(256, 0x6000_0000L);
        b.putLong(8 + 8 * 5, 0x56).putLong(256, 0x2000_0000L);
        StringBuilder sb = new StringBuilder();
        DiffTest.appendDifferences(sb, c, a.array(), b.array(), 0);
        assertEquals("""
                  differs (qemu-aarch64 vs armature):
                    x5   0000000000000055  0000000000000056
                    nzcv nZCv vs nzCv
                """, sb.toString());
    }

    @Test
    void vectorReportsShowLanesFpcrAndFpsr() {
        TestCase c = new TestCase("fp", new int[] {0x1e22_2820}, new long[31], 0, 0, null, new long[64], 0, 0);
        int size = BatchProgram.outputSize(c);
        ByteBuffer a = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        int v = BatchProgram.vectorOffset(c);
        a.putLong(v + 16 * 3 + 8, 0x7ff8_0000_0000_0000L).putLong(v + 512, 0x0040_0000L).putLong(v + 520, 0x10);
        b.putLong(v + 16 * 3 + 8, 0x7ff0_0000_0000_0001L).putLong(v + 512, 0x0040_0000L).putLong(v + 520, 0x11);
        StringBuilder sb = new StringBuilder();
        DiffTest.appendDifferences(sb, c, a.array(), b.array(), 0);
        assertEquals("""
                  differs (qemu-aarch64 vs armature):
                    v3   7ff80000000000000000000000000000  7ff00000000000010000000000000000
                    fpsr 00000010  00000011
                """, sb.toString());
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertEquals("2", run("--class", "fpu")[0]);
        assertEquals("2", run("--cpu", "cortex-a53")[0]);
        assertEquals("2", run("--accel", "kvm")[0]);
        assertTrue(run("--help")[1].contains("--count"));
    }
}
