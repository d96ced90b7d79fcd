package dev.armature.arch.aarch64;

import static dev.armature.arch.aarch64.TestMachine.AF;
import static dev.armature.arch.aarch64.TestMachine.RAM;
import static dev.armature.arch.aarch64.TestMachine.expectFault;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Stage-2 translation and its aborts, with expected values from the Arm ARM and QEMU 7.2 (guest/tests/el2.c). */
class Stage2Test {
    private static final long HCR_VM = 1;
    private static final long HCR_RW = 1L << 31;
    private static final long S2_NORMAL = 0xfL << 2;
    private static final long S2_RO = 1L << 6;
    private static final long S2_RW = 3L << 6;
    private static final long S2_XN = 1L << 54;
    private static final long IPA = 0x1000_0000L;      // guest pages, mapped onto RAM by stage 2
    private static final long FRAME = RAM + 0x20_0000; // their frames
    private static final int VTTBR = SysRegs.key(3, 4, 2, 1, 0);
    private static final int VTCR = SysRegs.key(3, 4, 2, 1, 2);
    private static final int HCR = SysRegs.key(3, 4, 1, 1, 0);

    private final TestMachine m = new TestMachine(CpuModel.CORTEX_A57.withEl2(true));
    private final Cpu cpu = m.cpu;
    /** Stage-2 tables: 4K granule, 32-bit IPA, starting at level 1 (VTCR_EL2.SL0 = 1). */
    private final TestMachine.Tables s2 = m.tables(12, 32);

    @AfterEach
    void close() {
        m.close();
    }

    /** Identity-maps RAM at stage 2 (2 MiB blocks, so stage-1 tables in RAM are reachable) and enables it. */
    private void enableStage2(int vmid) {
        for (long a = RAM; a < RAM + TestMachine.RAM_SIZE; a += 1 << 21) {
            s2.map(a, a, 2, AF | S2_NORMAL | S2_RW);
        }
        cpu.setMode(2, true);
        cpu.sys.write(VTCR, 1L << 31 | 1 << 6 | 32);
        cpu.sys.write(VTTBR, s2.root | (long) vmid << 48);
        cpu.sys.write(HCR, HCR_RW | HCR_VM);
        cpu.setMode(1, true);
    }

    @Test
    void ipaReachesTheFrameStage2MapsItTo() {
        s2.map(IPA, FRAME, 3, AF | S2_NORMAL | S2_RW);
        enableStage2(1);
        m.phys.write(FRAME + 0x18, 8, 0x1234_5678L);
        assertEquals(0x1234_5678L, cpu.memory.read(IPA + 0x18, 8));
        cpu.memory.write(IPA + 0x20, 8, 99);
        assertEquals(99, m.phys.read(FRAME + 0x20, 8));
    }

    @Test
    void permissionFaultGoesToEl2WithSyndromeAndHpfar() {
        s2.map(IPA, FRAME, 3, AF | S2_NORMAL | S2_RO);
        enableStage2(1);
        m.placeInsn(RAM + 0x1000, 0xb9000883); // str w3, [x4, #8]
        cpu.r[4] = IPA + 0x100;
        SyncException e = expectFault(() -> cpu.memory.write(IPA + 0x108, 4, 1));
        assertEquals(Esr.EC_DABT_LOWER, e.ec);
        assertEquals(2, e.targetEl);
        // ISV, SAS = 2 (word), SRT = 3, SF = 0, WnR, permission fault level 3 — as QEMU reports a str w.
        assertEquals(1 << 24 | 2 << 22 | 3 << 16 | 1 << 6 | 0x0f, e.iss);
        Exceptions.takeSync(cpu, e);
        assertEquals(2, cpu.el);
        assertEquals(0x9383_004fL, cpu.sys.esrEl2);
        assertEquals(IPA + 0x108, cpu.sys.farEl2);
        assertEquals(IPA >>> 12 << 4, cpu.sys.hpfarEl2);
        assertEquals(RAM + 0x1000, cpu.sys.elrEl2);
    }

    @Test
    void executeNeverAtStage2IsAnInstructionAbortToEl2() {
        s2.map(IPA, FRAME, 3, AF | S2_NORMAL | S2_RW | S2_XN);
        enableStage2(1);
        SyncException e = expectFault(() -> cpu.memory.fetch(IPA));
        assertEquals(Esr.EC_IABT_LOWER, e.ec);
        assertEquals(0x0f, e.iss);
        assertEquals(2, e.targetEl);
    }

    @Test
    void stage1WalkThroughAStage2HoleSetsS1ptw() {
        enableStage2(1);
        TestMachine.Tables s1 = m.tables(12, 39);
        s1.map(0x8000_0000L, RAM, 1, AF | 1L << 2); // VA 2G: a 1G block, fine
        // A level-1 table descriptor for VA 0xC000_0000 pointing at IPA 0x2000_0000, unmapped at stage 2.
        m.phys.write(s1.entry(0xc000_0000L, 1), 8, 0x2000_0000L | 3);
        m.enable(s1, 0);
        m.phys.write(RAM + 0x40, 8, 7);
        assertEquals(7, cpu.memory.read(0x8000_0040L, 8));
        SyncException e = expectFault(() -> cpu.memory.read(0xc000_0010L, 8));
        assertEquals(Esr.EC_DABT_LOWER, e.ec);
        assertEquals(Esr.ISS_S1PTW | 0x05, e.iss); // translation fault at stage-2 level 1, no ISV
        assertEquals(0x2000_0000L, e.ipa);
        assertEquals(0xc000_0010L, e.far);
        // A store: WnR as the instruction's access (UNKNOWN in ARMv8.0; what QEMU 7.2 reports).
        e = expectFault(() -> cpu.memory.write(0xc000_0018L, 8, 1));
        assertEquals(Esr.ISS_S1PTW | Esr.ISS_WNR | 0x05, e.iss);
    }

    @Test
    void newVmidOrStage2OffDropsCombinedEntries() {
        s2.map(IPA, FRAME, 3, AF | S2_NORMAL | S2_RW);
        enableStage2(1);
        m.phys.write(FRAME, 8, 5);
        assertEquals(5, cpu.memory.read(IPA, 8)); // now cached
        // The same tables under another VMID, after the page was unmapped without TLBI: no stale entry.
        m.phys.write(s2.entry(IPA, 3), 8, 0);
        cpu.setMode(2, true);
        cpu.sys.write(VTTBR, s2.root | 2L << 48);
        cpu.setMode(1, true);
        SyncException e = expectFault(() -> cpu.memory.read(IPA, 8));
        assertEquals(Esr.FSC_TRANSLATION_L0 + 3, e.iss & 0x3f);
        // Stage 2 off: IPA = PA (nothing at 0x1000_0000 here: an external abort, taken at EL1).
        cpu.setMode(2, true);
        cpu.sys.write(HCR, HCR_RW);
        cpu.setMode(1, true);
        m.phys.write(RAM + 8, 8, 6);
        assertEquals(6, cpu.memory.read(RAM + 8, 8));
    }

    @Test
    void addressTranslateStage1And2() {
        s2.map(IPA, FRAME, 3, AF | S2_NORMAL | S2_RO);
        enableStage2(1);
        cpu.setMode(2, true);
        Mmu mmu = cpu.memory.mmu();
        long par = mmu.addressTranslate(cpu, IPA + 0x10, false, 1, false, true);
        assertEquals(FRAME, par & 0xffff_ffff_f000L);
        assertEquals(0, par & 1);
        // QEMU: AT S12E1W on a read-only page gives PAR 0xa1f (F, FST permission L3, S, bit 11).
        assertEquals(0xa1fL, mmu.addressTranslate(cpu, IPA, true, 1, false, true));
        // AT S1E1R with stage 1 off returns the IPA itself.
        assertEquals(IPA, mmu.addressTranslate(cpu, IPA, false, 1, false, false) & 0xffff_ffff_f000L);
    }

    @Test
    void tgeTurnsStage2OffAndRoutesEl0ExceptionsToEl2() {
        enableStage2(1);
        assertTrue(Stage2Walker.enabled(cpu));
        cpu.sys.hcrEl2 |= 1L << 27;
        assertFalse(Stage2Walker.enabled(cpu));
        cpu.setMode(0, false);
        Exceptions.takeSync(cpu, SyncException.undefined(0x400));
        assertEquals(2, cpu.el);
        assertEquals(0, cpu.sys.esrEl2 >>> 26);
    }
}
