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
    void everyGeneratedCaseRunsUnderTheReference() throws Exception {
        assumeQemu();
        for (InsnClass cls : InsnClass.values()) {
            SplittableRandom r = new SplittableRandom(cls.ordinal() + 7);
            Generator g = new Generator();
            BatchProgram p = new BatchProgram();
            for (int i = 0; i < 300; i++) {
                p.add(g.next(r, cls, p));
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
