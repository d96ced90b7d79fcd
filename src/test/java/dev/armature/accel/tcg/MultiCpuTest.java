package dev.armature.accel.tcg;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.CpuMemory;
import dev.armature.arch.aarch64.CpuModel;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static dev.armature.accel.tcg.TcgTestMachine.CODE;
import static dev.armature.accel.tcg.TcgTestMachine.RAM;
import static dev.armature.accel.tcg.TcgTestMachine.hot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** vCPUs sharing one engine: cross-vCPU code modification and flushes while others run. */
class MultiCpuTest {
    private static final long WRITER = RAM + 0x3000;
    private static final int ADD_X0_1 = 0x91000400; // add x0, x0, #0x1
    private static final int ADD_X0_2 = 0x91000800; // add x0, x0, #0x2

    @Test
    void storeByAnotherVcpuInvalidatesTranslatedCodeEvenIfItsTlbCachedThePage() {
        TcgTestMachine m = new TcgTestMachine(TcgExecutorTest.ENDLESS);
        m.load(WRITER,
                0xb9000043, //    0: str w3, [x2]
                0x14000000); //   4: b 4
        TcgEngine engine = m.engine(hot(0));
        Cpu a = m.cpu;
        Cpu b = new Cpu(1, CpuModel.MAX, new CpuMemory(m.phys));
        TcgExecutor runA = engine.newExecutor();
        TcgExecutor runB = engine.newExecutor();

        // B writes the loop's first instruction unchanged before A translates it: B's TLB now maps the page
        // writable, and must lose that mapping when A translates the page.
        b.pc = WRITER;
        b.r[2] = CODE;
        b.r[3] = ADD_X0_1;
        runB.run(b, 2);

        runA.run(a, 10_000);
        assertEquals(5_000, a.r[0]);

        b.pc = WRITER;
        b.r[3] = ADD_X0_2;
        runB.run(b, 2);

        runA.run(a, 10_000);
        assertEquals(5_000 + 2 * 5_000, a.r[0], "A runs the new instruction\n" + engine.report());
        assertTrue(engine.stats().invalidations(TcgStats.Invalidation.GUEST_WRITE) >= 1, engine.report());
    }

    @Test
    void flushesWhileAnotherVcpuRunsTranslatedCodeKeepBothCorrect() throws Exception {
        long second = RAM + 0x5000;
        TcgTestMachine m = new TcgTestMachine(TcgExecutorTest.THREE_BLOCK_LOOP);
        m.load(second, TcgExecutorTest.THREE_BLOCK_LOOP);
        TcgEngine engine = m.engine(hot(0).withCodeBudgetBytes(4000)); // about two TBs
        Cpu a = m.cpu;
        Cpu b = new Cpu(1, CpuModel.MAX, new CpuMemory(m.phys));
        b.pc = second;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread tb = Thread.ofPlatform().start(() -> {
            try {
                runToEnd(engine.newExecutor(), b, second + 0x1c);
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        runToEnd(engine.newExecutor(), a, CODE + 0x1c);
        tb.join();
        assertNull(failure.get());
        assertEquals(2_004_000, a.r[0]);
        assertEquals(2_004_000, b.r[0]);
        assertTrue(engine.stats().flushes() >= 2, engine.report());
    }

    private static void runToEnd(TcgExecutor ex, Cpu cpu, long endPc) {
        for (int i = 0; i < 10_000 && cpu.pc != endPc; i++) {
            ex.run(cpu, 100);
        }
        assertEquals(endPc, cpu.pc);
    }
}
