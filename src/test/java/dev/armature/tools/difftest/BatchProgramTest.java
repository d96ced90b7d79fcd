package dev.armature.tools.difftest;

import dev.armature.loader.ToolchainSupport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The batch ELF's prologue and epilogue, checked against the reference emulator. */
class BatchProgramTest {
    private static void assumeQemu() {
        if (!Engines.qemuAvailable()) {
            System.out.println("SKIP: " + Engines.QEMU + " is not installed");
        }
        Assumptions.assumeTrue(Engines.qemuAvailable());
    }

    @Test
    void recordsHoldTheStateAfterEachCase() throws Exception {
        assumeQemu();
        SplittableRandom r = new SplittableRandom(1);
        long[] x = Inputs.registers(r);
        long[] inputs = x.clone();
        byte[] window = new byte[BatchProgram.WINDOW_SIZE];
        r.nextBytes(window);
        BatchProgram p = new BatchProgram();
        long pc0 = p.nextTestPc(false, false);
        p.add(new TestCase("alu", new int[] {0x9100_0420}, x, 0x1230, 0x6000_0000, null)); // add x0, x1, #1
        x = x.clone();
        x[2] = BatchProgram.WINDOW + 8;
        p.add(new TestCase("ldst", new int[] {0xf940_0043}, x, 0x4560, 0x9000_0000, window)); // ldr x3, [x2]
        assertEquals(true, p.inTestWords(0, pc0));
        assertEquals(false, p.inTestWords(0, pc0 - 4));
        assertEquals(false, p.inTestWords(0, pc0 + 4));
        Path f = Engines.write(p.elf(), null, null);
        Outcome o = Engines.qemu(f, "cortex-a57");
        Files.delete(f);
        assertEquals(0, o.status(), o.note());
        assertEquals(2 * BatchProgram.RECORD + BatchProgram.WINDOW_SIZE, o.stdout().length);
        ByteBuffer b = ByteBuffer.wrap(o.stdout()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0, b.getLong(0));
        assertEquals(x[1] + 1, b.getLong(8));
        for (int i = 1; i < 31; i++) {
            assertEquals(inputs[i], b.getLong(8 + 8 * i), "x" + i + " unchanged");
        }
        assertEquals(0x6000_0000L, b.getLong(256));
        assertEquals(0x1230, b.getLong(264));
        int second = BatchProgram.RECORD;
        assertEquals(1, b.getLong(second));
        assertEquals(ByteBuffer.wrap(window).order(ByteOrder.LITTLE_ENDIAN).getLong(8), b.getLong(second + 8 + 24));
        assertEquals(0x9000_0000L, b.getLong(second + 256));
        byte[] mem = new byte[BatchProgram.WINDOW_SIZE];
        b.get(second + BatchProgram.RECORD, mem);
        assertArrayEquals(window, mem);
    }

    @Test
    void vectorCasesLoadAndDumpVectorsFpcrAndFpsr() throws Exception {
        assumeQemu();
        SplittableRandom r = new SplittableRandom(2);
        long[] v = new long[64];
        for (int i = 0; i < 64; i++) {
            v[i] = r.nextLong();
        }
        v[2] = 0x3f80_0000L; // s1 = 1.0
        v[4] = 0x3080_0000L; // s2 = 2^-30: the sum is inexact
        BatchProgram p = new BatchProgram();
        // fadd s0, s1, s2 rounding towards +infinity (FPCR.RMode = RP), with FPSR.QC already set
        p.add(new TestCase("fp", new int[] {0x1e22_2820}, Inputs.registers(r), 0x1230, 0, null, v, 0x0040_0000,
                0x0800_0000));
        Path f = Engines.write(p.elf(), null, null);
        Outcome o = Engines.qemu(f, "cortex-a57");
        Files.delete(f);
        assertEquals(0, o.status(), o.note());
        assertEquals(BatchProgram.RECORD + BatchProgram.VECTORS, o.stdout().length);
        ByteBuffer b = ByteBuffer.wrap(o.stdout()).order(ByteOrder.LITTLE_ENDIAN);
        int at = BatchProgram.vectorOffset(p.cases().get(0));
        assertEquals(BatchProgram.RECORD, at);
        assertEquals(0x3f80_0001L, b.getLong(at)); // rounded up; the rest of V0 is cleared
        assertEquals(0, b.getLong(at + 8));
        for (int i = 2; i < 64; i++) {
            assertEquals(v[i], b.getLong(at + 8 * i), "v" + i / 2 + " unchanged");
        }
        assertEquals(0x0040_0000L, b.getLong(at + 512)); // FPCR
        assertEquals(0x0800_0010L, b.getLong(at + 520)); // FPSR: QC kept, IXC set
    }

    @Test
    void everyGeneratedCaseRunsUnderTheReference() throws Exception {
        assumeQemu();
        for (InsnClass cls : InsnClass.values()) {
            SplittableRandom r = new SplittableRandom(cls.ordinal() + 7);
            Generator g = new Generator();
            BatchProgram p = new BatchProgram();
            while (p.cases().size() < 300) {
                TestCase c = g.next(r, cls, p);
                if (!c.kind().equals(Generator.PROBE_KIND)) { // a raw word may well be UNDEFINED
                    p.add(c);
                }
            }
            Path f = Engines.write(p.elf(), null, null);
            Outcome o = Engines.qemu(f, cls.cpuModel());
            Files.delete(f);
            assertEquals(0, o.status(), cls + ": " + o.note());
            assertEquals(p.cases().size(), o.completeRecords(p.cases()), cls.cliName());
        }
    }

    @Test
    void repeatedPassesWriteEveryRecordAgain() throws Exception {
        assumeQemu();
        SplittableRandom r = new SplittableRandom(9);
        Generator g = new Generator();
        BatchProgram p = new BatchProgram();
        for (int i = 0; i < 20; i++) {
            p.add(g.next(r, InsnClass.ALL, p));
        }
        Path f = Engines.write(p.elf(3), null, null);
        Outcome o = Engines.qemu(f, "cortex-a57");
        Files.delete(f);
        assertEquals(0, o.status(), o.note());
        int pass = p.cases().stream().mapToInt(BatchProgram::outputSize).sum();
        assertEquals(3 * pass, o.stdout().length);
        assertArrayEquals(java.util.Arrays.copyOfRange(o.stdout(), 0, pass),
                java.util.Arrays.copyOfRange(o.stdout(), 2 * pass, 3 * pass));
    }

    @Test
    void toolchainIsOptional() {
        ToolchainSupport.available("true");
    }
}
