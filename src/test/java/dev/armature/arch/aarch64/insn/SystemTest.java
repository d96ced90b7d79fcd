package dev.armature.arch.aarch64.insn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.CpuTestSupport;
import dev.armature.arch.aarch64.Esr;
import dev.armature.arch.aarch64.SyncException;
import org.junit.jupiter.api.Test;

/** Exception generation, ERET, hints, barriers, PSTATE and system register access. Encodings from GNU as. */
class SystemTest {
    private static final long CODE = CpuTestSupport.CODE;

    private final CpuTestSupport t = new CpuTestSupport();

    private SyncException raise(int word) {
        t.run(word);
        return t.exception;
    }

    private void assertUndefined(int word) {
        SyncException e = raise(word);
        assertEquals(Esr.EC_UNKNOWN, e.ec);
        assertEquals(CODE, e.preferredReturn);
    }

    private void toEl0() {
        t.cpu.setMode(0, false);
    }

    @Test
    void exceptionGeneration() {
        SyncException e = raise(0xd4024681); // svc #0x1234
        assertEquals(Esr.EC_SVC64, e.ec);
        assertEquals(0x1234, e.iss);
        assertEquals(CODE + 4, e.preferredReturn);
        assertEquals(CODE + 4, t.cpu.pc);
        e = raise(0xd4000002); // hvc #0
        assertEquals(Esr.EC_HVC64, e.ec);
        assertEquals(CODE + 4, e.preferredReturn);
        e = raise(0xd40000e3); // smc #7
        assertEquals(Esr.EC_SMC64, e.ec);
        assertEquals(7, e.iss);
        assertEquals(CODE + 4, e.preferredReturn);
        e = raise(0xd4207d00); // brk #0x3e8
        assertEquals(Esr.EC_BRK64, e.ec);
        assertEquals(0x3e8, e.iss);
        assertEquals(CODE, e.preferredReturn);
        assertUndefined(0xd45e0000); // hlt #0xf000: no halting debug
        assertUndefined(0xd4a00001); // dcps1: not in Debug state
    }

    @Test
    void hvcAndSmcAreUndefinedAtEl0() {
        toEl0();
        assertUndefined(0xd4000002); // hvc #0
        assertUndefined(0xd40000e3); // smc #7
        assertEquals(Esr.EC_SVC64, raise(0xd4024681).ec); // svc is fine
    }

    @Test
    void eret() {
        t.cpu.sys.spsrEl1 = 0x3c5; // EL1h, DAIF masked
        t.cpu.sys.elrEl1 = 0x4000_2000L;
        t.run(0xd69f03e0);
        assertEquals(0x4000_2000L, t.cpu.pc);
        assertEquals(1, t.cpu.el);
        t.cpu.sys.spsrEl1 = 0; // EL0t, interrupts unmasked
        t.cpu.irqLine = true;
        t.run(0xd69f03e0);
        assertEquals(0, t.cpu.el);
        assertNotEquals(0, t.cpu.exitRequest & Cpu.EXIT_INTERRUPT, "pending IRQ noticed after ERET");
        assertUndefined(0xd69f03e0); // eret at EL0
    }

    @Test
    void hintsExecuteAsNop() {
        int[] hints = {0xd503201f, 0xd503203f, 0xd503205f, 0xd503207f, 0xd503209f, 0xd50320bf, 0xd5032fff};
        for (int word : hints) {
            t.run(word);
            assertNull(t.exception);
            assertEquals(CODE + 4, t.cpu.pc);
        }
    }

    @Test
    void wfiAndWfeTrapAtEl0UnlessEnabled() {
        t.cpu.sys.sctlrEl1 &= ~(1L << 16 | 1L << 18); // nTWI, nTWE clear (QEMU's reset value has them set)
        toEl0();
        SyncException e = raise(0xd503207f); // wfi
        assertEquals(Esr.EC_WFX, e.ec);
        assertEquals(0x1e0_0000, e.iss);
        assertEquals(CODE, e.preferredReturn);
        e = raise(0xd503205f); // wfe
        assertEquals(Esr.EC_WFX, e.ec);
        assertEquals(0x1e0_0001, e.iss);
        t.cpu.sys.sctlrEl1 |= 1L << 16 | 1L << 18; // nTWI, nTWE
        t.run(0xd503207f, 0xd503205f);
        assertNull(t.exception);
    }

    @Test
    void barriers() {
        t.cpu.exclusiveAddress = 0x4000_0000L;
        t.run(0xd5033bbf, 0xd5033f9f, 0xd5033fdf, 0xd5033f5f); // dmb ish; dsb sy; isb; clrex
        assertNull(t.exception);
        assertEquals(-1, t.cpu.exclusiveAddress);
        assertUndefined(0xd50330ff); // sb (ARMv8.5)
    }

    @Test
    void pstateFields() {
        t.sp(0x1000);
        t.cpu.spBank[0] = 0x2000;
        t.run(0xd50040bf); // msr spsel, #0
        assertEquals(0x2000, t.sp());
        assertEquals(0x1000, t.cpu.spOf(1));
        t.cpu.daif = 0;
        t.run(0xd5034fdf); // msr daifset, #0xf
        assertEquals(0x3c0, t.cpu.daif);
        t.cpu.irqLine = true;
        t.run(0xd50342ff); // msr daifclr, #2
        assertEquals(0x340, t.cpu.daif);
        assertNotEquals(0, t.cpu.exitRequest & Cpu.EXIT_INTERRUPT);
        assertUndefined(0xd500409f); // msr pan, #0 (ARMv8.1)
    }

    @Test
    void pstateAtEl0() {
        toEl0();
        assertUndefined(0xd50041bf); // msr spsel, #1
        SyncException e = raise(0xd5034fdf); // msr daifset, #0xf with SCTLR_EL1.UMA = 0
        assertEquals(Esr.EC_SYSREG, e.ec);
        assertEquals(6 << 17 | 3 << 14 | 4 << 10 | 31 << 5 | 0xf << 1, e.iss);
        t.cpu.sys.sctlrEl1 |= 1L << 9;
        t.cpu.daif = 0;
        t.run(0xd5034fdf);
        assertEquals(0x3c0, t.cpu.daif);
    }

    @Test
    void systemRegisters() {
        t.nzcv(0xa).run(0xd53b4200); // mrs x0, nzcv
        assertEquals(0xa000_0000L, t.x(0));
        t.x(1, 0x6000_0000L).run(0xd51b4201); // msr nzcv, x1
        assertEquals(6, t.nzcv());
        t.cpu.daif = 0x3c0;
        t.run(0xd53b4220); // mrs x0, daif
        assertEquals(0x3c0, t.x(0));
        t.cpu.irqLine = true;
        t.x(1, 0).run(0xd51b4221); // msr daif, x1
        assertEquals(0, t.cpu.daif);
        assertNotEquals(0, t.cpu.exitRequest & Cpu.EXIT_INTERRUPT);
        t.run(0xd5384240); // mrs x0, currentel
        assertEquals(4, t.x(0));
        t.cpu.sys.tpidrEl0 = 5;
        t.run(0xd51bd05f); // msr tpidr_el0, xzr
        assertEquals(0, t.cpu.sys.tpidrEl0);
        t.cpu.sys.tpidrEl0 = 5;
        t.run(0xd53bd05f); // mrs xzr, tpidr_el0
        assertEquals(0, t.cpu.r[31]);
    }

    @Test
    void systemInstructions() {
        long block = CpuTestSupport.RAM + 0x2040;
        for (int i = 0; i < 64; i += 8) {
            t.phys.write(block + i, 8, -1);
        }
        t.x(1, block + 0x10).run(0xd50b7421); // dc zva, x1
        for (int i = 0; i < 64; i += 8) {
            assertEquals(0, t.phys.read(block + i, 8));
        }
        t.run(0xd50b7e21, 0xd508751f, 0xd508871f); // dc civac, x1; ic iallu; tlbi vmalle1
        assertNull(t.exception);
        assertUndefined(0xd5281260); // sysl
    }
}
