package dev.armature.arch.aarch64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which interrupt is taken where (Arm ARM D1.3.6 for a PE without EL3): physical IRQ/FIQ routed by
 * HCR_EL2.IMO/FMO, and the virtual IRQ/FIQ/SError of HCR_EL2.VI/VF/VSE.
 */
class InterruptRoutingTest {
    private static final long IMO = 1L << 4;
    private static final long FMO = 1L << 3;
    private static final long AMO = 1L << 5;
    private static final long VF = 1L << 6;
    private static final long VI = 1L << 7;
    private static final long VSE = 1L << 8;
    private static final long RW = 1L << 31;
    private static final int IRQ_TO_EL1 = 1 << 12 | Exceptions.VECTOR_IRQ;
    private static final int IRQ_TO_EL2 = 2 << 12 | Exceptions.VECTOR_IRQ;

    private final TestMachine m = new TestMachine(CpuModel.CORTEX_A57.withEl2(true));
    private final Cpu cpu = m.cpu;

    @AfterEach
    void close() {
        m.close();
    }

    private int pendingAt(int el, int daif) {
        cpu.setMode(el, true);
        cpu.daif = daif;
        return Exceptions.pendingInterrupt(cpu);
    }

    @Test
    void physicalIrqWithoutImoIsForEl1AndNeverTakenAtEl2() {
        cpu.sys.hcrEl2 = RW;
        cpu.irqLine = true;
        assertEquals(IRQ_TO_EL1, pendingAt(1, 0));
        assertEquals(IRQ_TO_EL1, pendingAt(0, 0));
        assertEquals(0, pendingAt(1, 0x80));
        assertEquals(0, pendingAt(2, 0));
    }

    @Test
    void physicalIrqWithImoIsForEl2AndIgnoresPstateBelowIt() {
        cpu.sys.hcrEl2 = RW | IMO;
        cpu.irqLine = true;
        assertEquals(IRQ_TO_EL2, pendingAt(1, 0x3c0));
        assertEquals(IRQ_TO_EL2, pendingAt(0, 0x3c0));
        assertEquals(IRQ_TO_EL2, pendingAt(2, 0));
        assertEquals(0, pendingAt(2, 0x80));
    }

    @Test
    void virtualInterruptsNeedTheRoutingBitAndAreMaskedByPstate() {
        cpu.sys.hcrEl2 = RW | VI;
        assertEquals(0, pendingAt(1, 0)); // VI without IMO: nothing
        cpu.sys.hcrEl2 = RW | VI | IMO;
        assertEquals(IRQ_TO_EL1, pendingAt(1, 0));
        assertEquals(IRQ_TO_EL1, pendingAt(0, 0));
        assertEquals(0, pendingAt(1, 0x80));
        assertEquals(0, pendingAt(2, 0)); // never at EL2
        cpu.sys.hcrEl2 = RW | VF | FMO;
        assertEquals(1 << 12 | Exceptions.VECTOR_FIQ, pendingAt(1, 0));
        cpu.sys.hcrEl2 = RW | VSE | AMO;
        assertEquals(0, pendingAt(1, 0x100));
        int pending = pendingAt(1, 0);
        assertEquals(1 << 12 | Exceptions.VECTOR_SERROR, pending);
        cpu.sys.vbarEl1 = 0x8000;
        Exceptions.takeInterrupt(cpu, pending, 0x1234);
        assertEquals(0x8000 + 0x200 + 0x180, cpu.pc);
        assertEquals(0, cpu.sys.hcrEl2 & VSE); // consumed
        assertEquals((long) Esr.EC_SERROR << 26 | Esr.IL, cpu.sys.esrEl1);
    }

    @Test
    void hcrWriteRaisesTheExitRequestForAVirtualIrq() {
        cpu.setMode(2, true);
        cpu.takeExitRequest();
        cpu.sys.write(SysRegs.key(3, 4, 1, 1, 0), RW | IMO | VI);
        cpu.setMode(1, true);
        cpu.daif = 0;
        cpu.updateInterrupts(); // as ERET does
        assertTrue((cpu.takeExitRequest() & Cpu.EXIT_INTERRUPT) != 0);
        // ISR_EL1 shows the virtual IRQ, not the (idle) physical line.
        assertEquals(0x80, cpu.sys.read(SysRegs.key(3, 0, 12, 1, 0)));
    }
}
