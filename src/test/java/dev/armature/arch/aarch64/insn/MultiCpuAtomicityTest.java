package dev.armature.arch.aarch64.insn;

import static dev.armature.arch.aarch64.insn.LoadStoreTestSupport.CODE;
import static dev.armature.arch.aarch64.insn.LoadStoreTestSupport.DATA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.memory.PhysicalMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Four vCPUs on shared memory, one host thread each, increment one counter 100k times each; the final count
 * must be exact. Branches are not decoded yet, so the test loops back while STXR reports failure.
 */
class MultiCpuAtomicityTest {
    private static final int CPUS = 4;
    private static final int INCREMENTS = 100_000;
    private static final int LDXR_X1_X0 = 0xc85f7c01; // ldxr x1, [x0]
    private static final int ADD_X1_X1_1 = 0x91000421; // add x1, x1, #1
    private static final int STXR_W2_X1_X0 = 0xc8027c01; // stxr w2, x1, [x0]
    private static final int LDADD_X3_X4_X0 = 0xf8230004; // ldadd x3, x4, [x0]
    private static final int LDXRH_W1_X5 = 0x485f7ca1; // ldxrh w1, [x5]
    private static final int STXRH_W2_W1_X5 = 0x48027ca1; // stxrh w2, w1, [x5]

    @Test
    void exclusiveIncrementsAreExact() throws Exception {
        PhysicalMemory phys = LoadStoreTestSupport.newMemory();
        runOnCpus(phys, cpu -> {
            for (int i = 0; i < INCREMENTS; i++) {
                do {
                    cpu.cpu.pc = CODE;
                    cpu.interpreter.step(cpu.cpu); // ldxr x1, [x0]
                    cpu.interpreter.step(cpu.cpu); // add x1, x1, #1
                    cpu.interpreter.step(cpu.cpu); // stxr w2, x1, [x0]
                } while (cpu.cpu.r[2] != 0);
            }
        });
        assertEquals((long) CPUS * INCREMENTS, phys.read(DATA, 8));
    }

    /** Halfword exclusives next to each other: each vCPU owns one halfword of the same word. */
    @Test
    void adjacentHalfwordExclusivesDoNotInterfere() throws Exception {
        PhysicalMemory phys = LoadStoreTestSupport.newMemory();
        runOnCpus(phys, cpu -> {
            for (int i = 0; i < 20_000; i++) {
                do {
                    cpu.cpu.pc = CODE + 16;
                    cpu.interpreter.step(cpu.cpu); // ldxrh w1, [x5]
                    cpu.interpreter.step(cpu.cpu); // add x1, x1, #1
                    cpu.interpreter.step(cpu.cpu); // stxrh w2, w1, [x5]
                } while (cpu.cpu.r[2] != 0);
            }
        });
        assertEquals(0x4e20_4e20_4e20_4e20L, phys.read(DATA + 64, 8));
    }

    @Test
    void ldaddIncrementsAreExact() throws Exception {
        PhysicalMemory phys = LoadStoreTestSupport.newMemory();
        runOnCpus(phys, cpu -> {
            for (int i = 0; i < INCREMENTS; i++) {
                cpu.cpu.pc = CODE + 12;
                cpu.interpreter.step(cpu.cpu); // ldadd x3, x4, [x0]
            }
        });
        assertEquals((long) CPUS * INCREMENTS, phys.read(DATA, 8));
    }

    private static void runOnCpus(PhysicalMemory phys, Consumer<LoadStoreTestSupport> body) throws Exception {
        int[] code = {LDXR_X1_X0, ADD_X1_X1_1, STXR_W2_X1_X0, LDADD_X3_X4_X0, LDXRH_W1_X5, ADD_X1_X1_1,
            STXRH_W2_W1_X5};
        for (int i = 0; i < code.length; i++) {
            phys.write(CODE + 4L * i, 4, code[i]);
        }
        List<LoadStoreTestSupport> cpus = new ArrayList<>();
        for (int i = 0; i < CPUS; i++) {
            LoadStoreTestSupport cpu = new LoadStoreTestSupport(CpuModel.MAX, phys, i);
            cpu.x(0, DATA).x(3, 1).x(5, DATA + 64 + 2L * i);
            cpus.add(cpu);
        }
        ExecutorService pool = Executors.newFixedThreadPool(CPUS);
        try {
            List<Future<Void>> done = new ArrayList<>();
            for (LoadStoreTestSupport cpu : cpus) {
                Callable<Void> task = () -> {
                    body.accept(cpu);
                    return null;
                };
                done.add(pool.submit(task));
            }
            for (Future<Void> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        for (LoadStoreTestSupport cpu : cpus) {
            assertNull(cpu.exception);
        }
    }
}
