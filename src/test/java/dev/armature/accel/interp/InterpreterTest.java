package dev.armature.accel.interp;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.CpuMemory;
import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.DecodeCache;
import dev.armature.arch.aarch64.Esr;
import dev.armature.memory.PhysicalMemory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The interpreter's block loop and decoded-page cache, observed through guest results and counts. */
class InterpreterTest {
    private static final long RAM = 0x4000_0000L;
    private static final long CODE = RAM + 0x1000;
    private static final int ADD_X0_1 = 0x91000400; // add x0, x0, #1
    private static final int SELF_LOOP = 0x14000000; // b .

    /** A loop whose first instruction is rewritten (add #1 becomes add #2) half-way: x0 = 100 * 1 + 100 * 2. */
    private static final int[] SMC_LOOP = {
            0xd2800000, //    0: mov x0, #0x0
            0xd2801901, //    4: mov x1, #0xc8
            0x10000022, //    8: adr x2, c <patch>
            0x91000400, //    c: loop: patch: add x0, x0, #0x1
            0xf1000421, //   10: subs x1, x1, #0x1
            0x540000c0, //   14: b.eq 2c <done>
            0xf101903f, //   18: cmp x1, #0x64
            0x54ffff81, //   1c: b.ne c <loop>
            0x18000083, //   20: ldr w3, 30 <newinsn>
            0xb9000043, //   24: str w3, [x2]
            0x17fffff9, //   28: b c <loop>
            0x14000000, //   2c: done: b 2c
            0x91000800, //   30: newinsn: add x0, x0, #0x2
    };

    /** Stores over the very next instruction of the same block: the new instruction runs. */
    private static final int[] PATCH_NEXT = {
            0x10000062, //    0: adr x2, c <patch>
            0x18000083, //    4: ldr w3, 14 <newinsn>
            0xb9000043, //    8: str w3, [x2]
            0x91000400, //    c: patch: add x0, x0, #0x1
            0x14000000, //   10: b 10
            0x91019000, //   14: newinsn: add x0, x0, #0x64
    };

    private final PhysicalMemory phys = new PhysicalMemory();
    private final Interpreter interpreter = new Interpreter(new DecodeCache(CpuModel.MAX));
    private final Cpu cpu;

    InterpreterTest() {
        phys.addRam("ram", RAM, 1 << 20);
        cpu = new Cpu(0, CpuModel.MAX, new CpuMemory(phys));
        cpu.pc = CODE;
    }

    @AfterEach
    void close() {
        phys.close();
    }

    private void load(long at, int... words) {
        for (int i = 0; i < words.length; i++) {
            phys.write(at + 4L * i, 4, words[i]);
        }
    }

    @Test
    void guestStoreToCachedCodeIsSeenAtItsNextExecution() {
        load(CODE, SMC_LOOP);
        interpreter.run(cpu, 10_000);
        assertEquals(300, cpu.r[0]);
        assertEquals(CODE + 0x2c, cpu.pc);
    }

    @Test
    void guestStoreToTheNextInstructionOfTheRunningBlockTakesEffect() {
        load(CODE, PATCH_NEXT);
        interpreter.run(cpu, 5);
        assertEquals(100, cpu.r[0]);
    }

    @Test
    void hostWriteToCachedCodeIsSeen() {
        load(CODE, ADD_X0_1, 0x17ffffff); // loop: add x0, x0, #1; b loop
        interpreter.run(cpu, 10);
        assertEquals(5, cpu.r[0]);
        load(CODE, 0x91000800); // add x0, x0, #2
        interpreter.run(cpu, 10);
        assertEquals(15, cpu.r[0]);
    }

    @Test
    void budgetIsExactInsideABlockAndAcrossAPageBoundary() {
        long start = RAM + 0x2000 - 12; // three instructions before the page end, five after
        int[] adds = new int[8];
        Arrays.fill(adds, ADD_X0_1);
        load(start, adds);
        load(start + 32, SELF_LOOP);
        cpu.pc = start;
        assertFalse(interpreter.run(cpu, 2));
        assertEquals(2, interpreter.instructions());
        assertEquals(start + 8, cpu.pc);
        interpreter.run(cpu, 6);
        assertEquals(8, cpu.r[0]);
        assertEquals(start + 32, cpu.pc);
        assertEquals(8, interpreter.instructions());
    }

    @Test
    void undefinedInstructionIsCountedAndTaken() {
        cpu.sys.vbarEl1 = RAM + 0x8000;
        load(RAM + 0x8200, SELF_LOOP); // current EL with SPx, synchronous
        load(CODE, ADD_X0_1, 0); // udf #0
        interpreter.run(cpu, 3);
        assertEquals(3, interpreter.instructions());
        assertEquals(RAM + 0x8200, cpu.pc);
        assertEquals(CODE + 4, cpu.sys.elrEl1);
        assertEquals(1, cpu.r[0]);
    }

    /**
     * Loads and stores based on SP run in the block loop with their SP alignment check (which the loop makes itself
     * before calling the access): aligned, they run; misaligned with SCTLR_EL1.SA set, the SP alignment fault is
     * taken before the access and its writeback.
     */
    @Test
    void spBasedAccessesInABlockCheckSpAlignment() {
        cpu.sys.vbarEl1 = RAM + 0x8000;
        load(RAM + 0x8200, SELF_LOOP); // current EL with SPx, synchronous
        cpu.sys.sctlrEl1 |= 1L << 3; // SA
        long stack = RAM + 0x10000;
        phys.write(stack + 16, 8, 0x1234);
        load(CODE, ADD_X0_1, 0xf9400be7, 0xa9bf7bfd, SELF_LOOP); // ldr x7, [sp, #16]; stp x29, x30, [sp, #-16]!
        cpu.r[Cpu.SP] = stack;
        interpreter.run(cpu, 4);
        assertEquals(0x1234, cpu.r[7]);
        assertEquals(stack - 16, cpu.r[Cpu.SP]);
        assertEquals(CODE + 12, cpu.pc);

        cpu.pc = CODE;
        cpu.r[7] = 0;
        cpu.r[Cpu.SP] = stack + 8;
        interpreter.run(cpu, 2);
        assertEquals(RAM + 0x8200, cpu.pc);
        assertEquals(CODE + 4, cpu.sys.elrEl1);
        assertEquals(Esr.EC_SP_ALIGN, (int) (cpu.sys.esrEl1 >>> 26));
        assertEquals(0, cpu.r[7]);
        assertEquals(2, cpu.r[0]);

        cpu.pc = CODE + 8;
        cpu.r[Cpu.SP] = stack + 8;
        interpreter.run(cpu, 1);
        assertEquals(CODE + 8, cpu.sys.elrEl1);
        assertEquals(stack + 8, cpu.r[Cpu.SP]); // no writeback
    }

    @Test
    void stopRequestFromAnotherThreadEndsATightLoop() throws Exception {
        load(CODE, SELF_LOOP);
        Thread stopper = Thread.ofPlatform().start(() -> {
            try {
                TimeUnit.MILLISECONDS.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            cpu.requestExit(Cpu.EXIT_STOP);
        });
        assertTrue(interpreter.run(cpu, Long.MAX_VALUE));
        stopper.join();
    }
}
