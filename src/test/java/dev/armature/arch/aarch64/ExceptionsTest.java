package dev.armature.arch.aarch64;

import static dev.armature.arch.aarch64.TestMachine.expectFault;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExceptionsTest {
    private static final long VBAR = 0x4000_8000L;

    private static TestMachine machine(CpuModel model) {
        TestMachine m = new TestMachine(model);
        m.cpu.sys.vbarEl1 = VBAR;
        m.cpu.sys.vbarEl2 = VBAR + 0x1000;
        return m;
    }

    private static SyncException dataAbort(Cpu cpu) {
        return new SyncException(Esr.EC_DABT_SAME, 0x47, 0x1234, true, cpu.pc);
    }

    @Test
    void vectorOffsetsBySourceState() {
        try (TestMachine m = machine(CpuModel.CORTEX_A57)) {
            Cpu cpu = m.cpu;
            // From EL0: lower EL, AArch64 → 0x400.
            cpu.setPstate(0x0); // EL0t, DAIF clear
            cpu.pc = 0x1000;
            cpu.setNzcv(0x6000_0000);
            Exceptions.takeSync(cpu, new SyncException(Esr.EC_SVC64, 7, 0, false, 0x1004));
            assertEquals(VBAR + 0x400, cpu.pc);
            assertEquals(1, cpu.el);
            assertTrue(cpu.spSel);
            assertEquals(0x1004, cpu.sys.elrEl1);
            assertEquals(0x6000_0000L, cpu.sys.spsrEl1);
            assertEquals((long) Esr.EC_SVC64 << 26 | 1L << 25 | 7, cpu.sys.esrEl1);
            assertEquals(0x3c0, cpu.daif);
            // From EL1 with SP_EL1 → 0x200; IRQ adds 0x80.
            cpu.pc = 0x2000;
            Exceptions.takeInterrupt(cpu, 1 << 12 | Exceptions.VECTOR_IRQ, 0x2000);
            assertEquals(VBAR + 0x280, cpu.pc);
            assertEquals(0x6000_03c5L, cpu.sys.spsrEl1);
            // From EL1 with SP_EL0 → 0x000; the data abort sets FAR.
            cpu.setMode(1, false);
            cpu.pc = 0x3000;
            Exceptions.takeSync(cpu, dataAbort(cpu));
            assertEquals(VBAR, cpu.pc);
            assertEquals(0x1234, cpu.sys.farEl1);
            assertEquals(0x6000_03c4L, cpu.sys.spsrEl1);
            assertEquals(0x3000, cpu.sys.elrEl1);
        }
    }

    @Test
    void hvcGoesToEl2OnlyWhenEl2Exists() {
        try (TestMachine m = machine(CpuModel.CORTEX_A57)) {
            Exceptions.takeSync(m.cpu, new SyncException(Esr.EC_HVC64, 0, 0, false, 0x104));
            assertEquals(Esr.EC_UNKNOWN, m.cpu.sys.esrEl1 >>> 26);
            assertEquals(1, m.cpu.el);
        }
        try (TestMachine m = machine(CpuModel.CORTEX_A57.withEl2(true))) {
            Cpu cpu = m.cpu;
            cpu.pc = 0x100;
            Exceptions.takeSync(cpu, new SyncException(Esr.EC_HVC64, 5, 0, false, 0x104));
            assertEquals(2, cpu.el);
            assertEquals(VBAR + 0x1000 + 0x400, cpu.pc);
            assertEquals(0x104, cpu.sys.elrEl2);
            assertEquals(0x3c5, cpu.sys.spsrEl2);
            assertEquals((long) Esr.EC_HVC64 << 26 | 1L << 25 | 5, cpu.sys.esrEl2);
            // ERET back to EL1 needs HCR_EL2.RW=1 (EL1 is AArch64).
            Exceptions.eret(cpu);
            assertTrue(cpu.il);
            assertEquals(2, cpu.el);
            cpu.il = false;
            cpu.sys.hcrEl2 = 1L << 31;
            Exceptions.eret(cpu);
            assertFalse(cpu.il);
            assertEquals(1, cpu.el);
            assertEquals(0x104, cpu.nextPc);
            // IRQs route to EL2 with HCR_EL2.IMO; without it they are not taken at EL2.
            cpu.irqLine = true;
            cpu.setMode(2, true);
            cpu.daif = 0;
            assertEquals(0, Exceptions.pendingInterrupt(cpu));
            cpu.setMode(1, true);
            cpu.sys.hcrEl2 |= 1 << 4;
            int pending = Exceptions.pendingInterrupt(cpu);
            assertEquals(2 << 12 | Exceptions.VECTOR_IRQ, pending);
            Exceptions.takeInterrupt(cpu, pending, 0x200);
            assertEquals(2, cpu.el);
            assertEquals(VBAR + 0x1000 + 0x480, cpu.pc);
        }
    }

    @Test
    void hvcIsUndefinedWhileHcrHcdIsSet() {
        try (TestMachine m = machine(CpuModel.CORTEX_A57.withEl2(true))) {
            m.cpu.sys.hcrEl2 = 1L << 31 | 1L << 29;
            Exceptions.takeSync(m.cpu, new SyncException(Esr.EC_HVC64, 0, 0, false, 0x104));
            assertEquals(1, m.cpu.el);
            assertEquals((long) Esr.EC_UNKNOWN << 26 | 1L << 25, m.cpu.sys.esrEl1);
            assertEquals(0x100, m.cpu.sys.elrEl1);
        }
    }

    @Test
    void smcWithoutEl3IsUndefinedAtTheSmc() {
        try (TestMachine m = machine(CpuModel.CORTEX_A57)) {
            Exceptions.takeSync(m.cpu, new SyncException(Esr.EC_SMC64, 0, 0, false, 0x104));
            assertEquals((long) Esr.EC_UNKNOWN << 26 | 1L << 25, m.cpu.sys.esrEl1);
            assertEquals(0x100, m.cpu.sys.elrEl1);
        }
        try (TestMachine m = machine(CpuModel.CORTEX_A57.withEl2(true))) {
            m.cpu.sys.hcrEl2 = 1L << 19; // TSC
            Exceptions.takeSync(m.cpu, new SyncException(Esr.EC_SMC64, 0, 0, false, 0x104));
            assertEquals(2, m.cpu.el);
            assertEquals(Esr.EC_SMC64, m.cpu.sys.esrEl2 >>> 26);
            assertEquals(0x100, m.cpu.sys.elrEl2);
        }
    }

    @Test
    void legalReturnRestoresPstate() {
        try (TestMachine m = machine(CpuModel.CORTEX_A57)) {
            Cpu cpu = m.cpu;
            cpu.r[Cpu.SP] = 0x9000; // SP_EL1
            cpu.spBank[0] = 0x5000;
            cpu.sys.spsrEl1 = 0x8000_0000L | 0x80; // EL0t, N set, IRQ masked
            cpu.sys.elrEl1 = 0x7000;
            Exceptions.eret(cpu);
            assertEquals(0, cpu.el);
            assertEquals(0x5000, cpu.r[Cpu.SP]);
            assertEquals(0x8000_0000, cpu.nzcv());
            assertEquals(0x80, cpu.daif);
            assertEquals(0x7000, cpu.nextPc);
            assertEquals(Esr.EC_UNKNOWN, expectFault(() -> Exceptions.eret(cpu)).ec); // ERET at EL0
        }
    }

    /** SPSR_EL1 = 0x3c1 (EL0 with SP_EL0h): what QEMU 7.2 reports at the next instruction. */
    @Test
    void illegalReturnMatchesQemu() {
        try (TestMachine m = machine(CpuModel.CORTEX_A57)) {
            Cpu cpu = m.cpu;
            cpu.daif = 0;
            cpu.sys.spsrEl1 = 0x3c1;
            cpu.sys.elrEl1 = 0x4000_0024L;
            Exceptions.eret(cpu);
            cpu.pc = cpu.nextPc;
            Exceptions.takeSync(cpu, expectFault(() -> Exceptions.checkIllegalState(cpu)));
            assertEquals(0x3a00_0000L, cpu.sys.esrEl1);
            assertEquals(0x1003c5L, cpu.sys.spsrEl1);
            assertEquals(0x4000_0024L, cpu.sys.elrEl1);
            assertEquals(VBAR + 0x200, cpu.pc);
        }
    }

    @Test
    void illegalReturns() {
        long[] illegal = {
            0x10,  // M[4]=1: AArch32
            0x08,  // EL2t: above the current EL1
            0x09,  // EL2h
            0x0c,  // EL3t
            0x01,  // EL0 with SP_ELx
            0x06,  // M[1]=1 reserved
        };
        for (long spsr : illegal) {
            try (TestMachine m = machine(CpuModel.CORTEX_A57)) {
                Cpu cpu = m.cpu;
                cpu.pc = 0x100;
                cpu.sys.spsrEl1 = spsr | 0x4000_0000L;
                cpu.sys.elrEl1 = 0x6000;
                Exceptions.eret(cpu);
                assertTrue(cpu.il, "SPSR " + spsr);
                assertEquals(1, cpu.el);
                assertTrue(cpu.spSel);
                assertEquals(0x4000_0000, cpu.nzcv());
                assertEquals(0x6000, cpu.nextPc);
                cpu.pc = cpu.nextPc;
                SyncException e = expectFault(() -> Exceptions.checkIllegalState(cpu));
                assertEquals(Esr.EC_ILLEGAL_STATE, e.ec);
                Exceptions.takeSync(cpu, e);
                assertFalse(cpu.il);
                assertEquals(1L << 20, cpu.sys.spsrEl1 & 1L << 20); // IL saved in SPSR
                assertEquals(VBAR + 0x200, cpu.pc);
            }
        }
    }
}
