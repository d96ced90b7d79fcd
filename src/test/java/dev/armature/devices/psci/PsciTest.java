package dev.armature.devices.psci;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.CpuMemory;
import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.Esr;
import dev.armature.arch.aarch64.SyncException;
import dev.armature.memory.PhysicalMemory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.armature.devices.psci.Psci.*;
import static org.junit.jupiter.api.Assertions.*;

class PsciTest {
    /** Records what PSCI asks of the machine; CPU 0 is on, the others off until CPU_ON. */
    static final class FakePower implements PowerController {
        final boolean[] on = {true, false, false, false};
        final List<String> calls = new ArrayList<>();

        @Override
        public int cpuCount() {
            return on.length;
        }

        @Override
        public int indexOf(long affinity) {
            return affinity < on.length ? (int) affinity : -1;
        }

        @Override
        public int cpuOn(int index, long entry, long context) {
            calls.add(String.format("on %d 0x%x 0x%x", index, entry, context));
            if (on[index]) {
                return ALREADY_ON;
            }
            on[index] = true;
            return SUCCESS;
        }

        @Override
        public void cpuOff(Cpu self) {
            calls.add("off " + self.index);
            on[self.index] = false;
        }

        @Override
        public int affinityInfo(int index) {
            return on[index] ? AFFINITY_ON : AFFINITY_OFF;
        }

        @Override
        public void systemOff() {
            calls.add("system off");
        }

        @Override
        public void systemReset() {
            calls.add("system reset");
        }
    }

    private final PhysicalMemory mem = new PhysicalMemory();
    private final Cpu cpu = new Cpu(0, CpuModel.CORTEX_A57, new CpuMemory(mem));
    private final FakePower power = new FakePower();
    private final Psci psci = new Psci(Conduit.HVC, power);

    @AfterEach
    void close() {
        mem.close();
    }

    /** Issues an HVC #0 as the HVC instruction would raise it, and returns X0. */
    private long hvc(long fn, long... args) {
        cpu.setX(0, fn);
        for (int i = 0; i < args.length; i++) {
            cpu.setX(i + 1, args[i]);
        }
        assertTrue(psci.handle(cpu, new SyncException(Esr.EC_HVC64, 0, 0, false, 0x4000_1004L)));
        return cpu.x(0);
    }

    @Test
    void versionFeaturesAndMigrateInfo() {
        assertEquals(0x10001, hvc(PSCI_VERSION));
        assertEquals(SUCCESS, hvc(PSCI_FEATURES, CPU_ON_64));
        assertEquals(SUCCESS, hvc(PSCI_FEATURES, SYSTEM_OFF));
        assertEquals(NOT_SUPPORTED, hvc(PSCI_FEATURES, 0x8000_0000L)); // SMCCC_VERSION: SMCCC v1.0, as QEMU
        assertEquals(NOT_SUPPORTED, hvc(PSCI_FEATURES, MIGRATE_64));
        assertEquals(2, hvc(MIGRATE_INFO_TYPE));
    }

    @Test
    void unknownFunctionsAreNotSupported() {
        assertEquals(-1L, hvc(0xc400_00ffL));
        assertEquals(-1L, hvc(MIGRATE_64, 1));
        assertEquals(-1L, hvc(0x8000_0000L)); // SMCCC_VERSION
    }

    @Test
    void cpuOnAndAffinityInfo() {
        assertEquals(PowerController.AFFINITY_OFF, hvc(AFFINITY_INFO_64, 2, 0));
        assertEquals(SUCCESS, hvc(CPU_ON_64, 2, 0x4008_0000L, 0x1234));
        assertEquals("on 2 0x40080000 0x1234", power.calls.getLast());
        assertEquals(PowerController.AFFINITY_ON, hvc(AFFINITY_INFO_64, 2, 0));
        assertEquals(ALREADY_ON, hvc(CPU_ON_64, 2, 0x4008_0000L, 0));
        assertEquals(ALREADY_ON, hvc(CPU_ON_64, 0, 0x4008_0000L, 0));
        assertEquals(INVALID_PARAMETERS, hvc(CPU_ON_64, 4, 0x4008_0000L, 0)); // no such CPU
        assertEquals(INVALID_PARAMETERS, hvc(CPU_ON_64, 0x100, 0x4008_0000L, 0)); // Aff1 = 1
        assertEquals(INVALID_PARAMETERS, hvc(AFFINITY_INFO_64, 1, 1)); // lowest affinity level 1
        // SMC32 calling convention: arguments are the low 32 bits.
        assertEquals(SUCCESS, hvc(CPU_ON_32, 0xffff_ffff_0000_0003L, 0x1_4008_0000L, 7));
        assertEquals("on 3 0x40080000 0x7", power.calls.getLast());
    }

    @Test
    void cpuOffSystemOffAndReset() {
        hvc(CPU_OFF);
        hvc(SYSTEM_OFF);
        hvc(SYSTEM_RESET);
        assertEquals(List.of("off 0", "system off", "system reset"), power.calls);
    }

    @Test
    void otherExceptionsAndTheOtherConduitAreNotClaimed() {
        assertFalse(psci.handle(cpu, new SyncException(Esr.EC_SVC64, 0, 0, false, 0)));
        assertFalse(psci.handle(cpu, new SyncException(Esr.EC_SMC64, 0, 0, false, 0)));
        assertFalse(psci.handle(cpu, SyncException.undefined(0)));
        cpu.setMode(0, false); // HVC at EL0 is UNDEFINED, not a PSCI call
        assertFalse(psci.handle(cpu, new SyncException(Esr.EC_HVC64, 0, 0, false, 0)));
        cpu.setMode(1, true);
        Psci smc = new Psci(Conduit.SMC, power);
        cpu.setX(0, PSCI_VERSION);
        assertTrue(smc.handle(cpu, new SyncException(Esr.EC_SMC64, 0, 0, false, 0)));
        assertEquals(0x10001, cpu.x(0));
    }
}
