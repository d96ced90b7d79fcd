package dev.armature.machine;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.devices.psci.PowerController;
import dev.armature.devices.psci.Psci;
import dev.armature.memory.PhysicalMemory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * vCPU threads and power state, driven through the PowerController as PSCI drives it. The guest here is RAM
 * full of {@code b .} (0x14000000), which keeps each running vCPU busy without depending on anything else.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MachineTest {
    private static final long RAM = 0x4000_0000L;
    private final PhysicalMemory mem = new PhysicalMemory();
    private final AtomicInteger reloads = new AtomicInteger();

    MachineTest() {
        mem.addRam("ram", RAM, 1 << 20);
        mem.ramSlice(RAM, 1 << 20).fill((byte) 0);
        for (long a = RAM; a < RAM + (1 << 20); a += 4) {
            mem.write(a, 4, 0x1400_0000L);
        }
    }

    @AfterEach
    void close() {
        mem.close();
    }

    private Machine machine(int smp, boolean noReboot) {
        return new Machine(mem, CpuModel.CORTEX_A57, smp, m -> new Psci(Psci.Conduit.HVC, m), (i, c, p) -> { },
                i -> i, reset -> {
            reloads.incrementAndGet();
            return RAM;
        }, 1, noReboot, DebugLog.OFF);
    }

    private static CompletableFuture<Integer> start(Machine m) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return m.run();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static void awaitOn(Machine m, int index) throws InterruptedException {
        while (m.affinityInfo(index) != PowerController.AFFINITY_ON) {
            Thread.sleep(5);
        }
    }

    @Test
    void bootsCpu0OnlyAndSecondariesComeUpWithCpuOn() throws Exception {
        Machine m = machine(3, false);
        CompletableFuture<Integer> run = start(m);
        awaitOn(m, 0);
        assertEquals(PowerController.AFFINITY_OFF, m.affinityInfo(1));
        assertEquals(PowerController.AFFINITY_OFF, m.affinityInfo(2));
        assertEquals(1, m.cpu(0).el);

        assertEquals(Psci.SUCCESS, m.cpuOn(2, RAM + 0x100, 0xabc, 1));
        assertEquals(Psci.ALREADY_ON, m.cpuOn(2, RAM + 0x100, 0, 1));
        assertEquals(PowerController.AFFINITY_ON, m.affinityInfo(2));
        assertEquals(0xabc, m.cpu(2).x(0));
        m.systemOff();
        assertEquals(0, run.get(10, TimeUnit.SECONDS));
    }

    @Test
    void exitStatusComesFromTheRequest() throws Exception {
        Machine m = machine(1, false);
        CompletableFuture<Integer> run = start(m);
        awaitOn(m, 0);
        m.exit(85);
        assertEquals(85, run.get(10, TimeUnit.SECONDS));
    }

    @Test
    void resetReloadsAndRestartsWithOnlyCpu0() throws Exception {
        Machine m = machine(2, false);
        CompletableFuture<Integer> run = start(m);
        awaitOn(m, 0);
        m.cpuOn(1, RAM, 0, 1);
        m.systemReset();
        while (reloads.get() < 2) {
            Thread.sleep(5);
        }
        awaitOn(m, 0);
        assertEquals(PowerController.AFFINITY_OFF, m.affinityInfo(1));
        assertFalse(run.isDone());
        m.systemOff();
        assertEquals(0, run.get(10, TimeUnit.SECONDS));
    }

    @Test
    void hostErrorOnAVcpuEndsTheRunWithOneLine() throws Exception {
        mem.ramSlice(RAM, 1 << 20).fill((byte) 0); // UDF #0 everywhere: the first instruction raises UNDEFINED
        Machine m = new Machine(mem, CpuModel.CORTEX_A57, 1, x -> (cpu, e) -> {
            throw new IllegalStateException("model bug");
        }, (i, c, p) -> { }, i -> i, reset -> RAM, 1, false, DebugLog.OFF);
        java.io.PrintStream saved = System.err;
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(err, true));
        try {
            assertEquals(1, m.run());
        } finally {
            System.setErr(saved);
        }
        assertEquals("armature: internal error on vCPU 0 at guest PC 0x40000000: "
                + "java.lang.IllegalStateException: model bug\n", err.toString());
    }

    @Test
    void resetWithNoRebootExits() throws Exception {
        Machine m = machine(1, true);
        CompletableFuture<Integer> run = start(m);
        awaitOn(m, 0);
        m.systemReset();
        assertEquals(0, run.get(10, TimeUnit.SECONDS));
        assertEquals(1, reloads.get());
    }
}
