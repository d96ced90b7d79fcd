package dev.armature.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armature.memory.Region;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Guest RAM under vCPU soft TLBs that hold its raw host addresses (see {@code CpuMemory}): restoring a snapshot is
 * seen through the cached entries, and closing the VM frees RAM only once no vCPU can touch it.
 */
class RamLifetimeTest {
    private static final long CODE = 0x1_0000;
    private static final long DATA = 0x2_0000;
    private static final long RETURN = 0xdead_0000L;
    private static final int RET = 0xd65f03c0;
    private static final int LDR_X2_X1 = 0xf9400022;
    private static final int STR_X0_X1 = 0xf9000020;
    private static final int ADD_X2_X2_1 = 0x91000442;
    private static final int STR_X2_X1 = 0xf9000022;

    private static Vm vm(String accel, int... code) {
        Vm vm = Vm.builder().accel(accel).build();
        vm.mapRam(CODE, 0x1000, Region.PROT_READ | Region.PROT_EXEC);
        vm.mapRam(DATA, 0x1000, Region.PROT_READ | Region.PROT_WRITE);
        vm.writePhysical(CODE, EmbeddingApiTest.words(code));
        return vm;
    }

    private static Vcpu vcpu(Vm vm) {
        Vcpu cpu = vm.createVcpu(0);
        cpu.init(Set.of());
        cpu.setReg(Reg.x(1), DATA);
        cpu.setReg(Reg.x(30), RETURN);
        return cpu;
    }

    @ParameterizedTest
    @ValueSource(strings = {"interp", "tcg,hot=1,background=off"})
    void snapshotRestoreIsSeenThroughCachedEntries(String accel) {
        try (Vm vm = vm(accel, LDR_X2_X1, STR_X0_X1, RET)) { // x2 = [x1]; [x1] = x0
            Vcpu cpu = vcpu(vm);
            cpu.setReg(Reg.x(0), 5);
            cpu.start(CODE, RETURN); // caches DATA's read and write entries
            VmSnapshot snapshot = vm.saveSnapshot();
            cpu.setReg(Reg.x(0), 7);
            cpu.start(CODE, RETURN);
            assertEquals(5, cpu.getReg(Reg.x(2)));
            vm.restoreSnapshot(snapshot);
            cpu.setReg(Reg.x(0), 9);
            cpu.start(CODE, RETURN);
            assertEquals(5, cpu.getReg(Reg.x(2)), "the load sees the restored value, not the 7 stored after it");
            assertEquals(9, vm.readPhysical(DATA, 1)[0], "and the store lands in the restored RAM");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"interp", "tcg,hot=1,background=off"})
    void closeWaitsForARunningVcpuBeforeFreeingRam(String accel) throws Exception {
        // 1: ldr x2, [x1]; add x2, x2, #1; str x2, [x1]; b 1b
        Vm vm = vm(accel, LDR_X2_X1, ADD_X2_X2_1, STR_X2_X1, 0x17fffffd);
        Vcpu cpu = vcpu(vm);
        AtomicReference<Object> result = new AtomicReference<>();
        Thread runner = new Thread(() -> {
            try {
                result.set(cpu.start(CODE, Vcpu.NO_END));
            } catch (RuntimeException e) {
                result.set(e);
            }
        });
        runner.start();
        while (vm.readPhysical(DATA, 1)[0] == 0) {
            Thread.onSpinWait(); // until the loop runs (through cached entries)
        }
        vm.close();
        assertFalse(cpu.isRunning(), "close returned while the vCPU still ran on its RAM");
        runner.join();
        assertEquals(ExitReason.EXIT_REQUEST, result.get());
    }

    @ParameterizedTest
    @ValueSource(strings = {"interp", "tcg,hot=1,background=off"})
    void closeFromInsideARunFreesRamWhenTheRunReturns(String accel) {
        Vm vm = vm(accel, STR_X0_X1, 0); // str x0, [x1]; udf #0: the hook closes the VM
        Vcpu cpu = vcpu(vm);
        cpu.setReg(Reg.x(0), 0x42);
        AtomicReference<Byte> seenInHook = new AtomicReference<>();
        cpu.cpu().exceptionHook = (c, e) -> { // a VMM's hook (as the board's PSCI firmware is)
            vm.close();
            seenInHook.set(vm.memory().readBytes(DATA, 1)[0]);
            return true;
        };
        cpu.setReg(Reg.PC, CODE);
        assertEquals(ExitReason.EXIT_REQUEST, cpu.run(1000));
        assertEquals((byte) 0x42, seenInHook.get(), "RAM is still there inside the run that closed the VM");
        assertTrue(vm.isClosed());
        assertThrows(IllegalStateException.class, () -> vm.memory().readBytes(DATA, 1), "and freed after it");
    }
}
