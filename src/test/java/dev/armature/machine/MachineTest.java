package dev.armature.machine;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.ExceptionHook;
import dev.armature.devices.psci.PowerController;
import dev.armature.devices.psci.Psci;
import dev.armature.vm.VcpuFeature;
import dev.armature.vm.VgicModelFactory;
import dev.armature.vm.Vm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * vCPU threads and power state, driven through the PowerController as PSCI drives it, over a VM built as the
 * board builds its own (vCPU 0 runnable, the others powered off). The guest here is RAM full of {@code b .}
 * (0x14000000), which keeps each running vCPU busy without depending on anything else.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MachineTest {
    private static final long RAM = 0x4000_0000L;
    private final AtomicInteger reloads = new AtomicInteger();
    private Vm vm;
    /** The firmware every vCPU's exceptions go to; PSCI over the machine unless a test replaces it. */
    private ExceptionHook firmware;

    @AfterEach
    void close() {
        if (vm != null) {
            vm.close();
        }
    }

    private Machine machine(int smp, boolean noReboot) {
        vm = Vm.create(Vm.DEFAULT_IPA_BITS, CpuModel.CORTEX_A57, VgicModelFactory.NONE,
                (vcpu, fresh, previous) -> fresh.exceptionHook = (cpu, e) -> firmware.handle(cpu, e));
        vm.setUserMemoryRegion(0, RAM, 1 << 20);
        for (long a = RAM; a < RAM + (1 << 20); a += 4) {
            vm.memory().write(a, 4, 0x1400_0000L);
        }
        for (int i = 0; i < smp; i++) {
            Set<VcpuFeature> features = EnumSet.of(VcpuFeature.PSCI_0_2);
            if (i > 0) {
                features.add(VcpuFeature.POWER_OFF);
            }
            vm.createVcpu(i).init(features);
        }
        Machine m = new Machine(vm, reset -> {
            reloads.incrementAndGet();
            return RAM;
        }, noReboot, DebugLog.OFF);
        firmware = new Psci(Psci.Conduit.HVC, m);
        return m;
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

        assertEquals(Psci.SUCCESS, m.cpuOn(2, RAM + 0x100, 0xabc));
        assertEquals(Psci.ALREADY_ON, m.cpuOn(2, RAM + 0x100, 0));
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
        m.cpuOn(1, RAM, 0);
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
        Machine m = machine(1, false);
        vm.memory().ramSlice(RAM, 1 << 20).fill((byte) 0); // UDF #0 everywhere: the first instruction is UNDEFINED
        firmware = (cpu, e) -> {
            throw new IllegalStateException("model bug");
        };
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
        // The boot vCPU is on from the start: wait for the boot's load itself, or the reset could come first.
        while (reloads.get() < 1) {
            Thread.sleep(5);
        }
        awaitOn(m, 0);
        m.systemReset();
        assertEquals(0, run.get(10, TimeUnit.SECONDS));
        assertEquals(1, reloads.get(), "the reset ended the run instead of loading the images again");
    }
}
