package dev.armature.arch.aarch64;

import static dev.armature.arch.aarch64.TestMachine.AF;
import static dev.armature.arch.aarch64.TestMachine.NG;
import static dev.armature.arch.aarch64.TestMachine.RAM;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The soft TLB's ASID tagging: entries of every recent ASID stay cached across TTBR writes (one bank per ASID),
 * a non-global entry is only used under its own ASID, and TLBI by ASID or VA removes what the Arm ARM says.
 * Remapping a page without TLBI and reading it shows whether a cached translation was used (old frame) or the
 * tables were walked again (new frame).
 */
class TlbAsidTest {
    private final TestMachine m = new TestMachine(CpuModel.CORTEX_A57);
    private final Cpu cpu = m.cpu;
    private static final long FRAME = RAM + 0x10_0000; // frame n holds the value n + 1
    private static final long VA = 0x1000;
    private static final long GLOBAL_VA = 0x9000;

    @AfterEach
    void close() {
        m.close();
    }

    private static long frame(int n) {
        return FRAME + n * 0x1000L;
    }

    private long read(long va) {
        return cpu.memory.read(va, 8);
    }

    private void asid(TestMachine.Tables t, int asid) {
        cpu.sys.write(SysRegs.TTBR0_EL1, t.root | (long) asid << 48);
    }

    private void tlbi(int op2, long xt) {
        cpu.sys.sysOp(SysRegs.key(1, 0, 8, 7, op2), xt);
    }

    /** Two table sets: {@code a} maps VA to frame 0 (nG) and GLOBAL_VA to frame 2; {@code b} maps VA to frame 1. */
    private TestMachine.Tables[] twoSets() {
        for (int n = 0; n < 8; n++) {
            m.phys.write(frame(n), 8, n + 1);
        }
        TestMachine.Tables a = m.tables(12, 48);
        TestMachine.Tables b = m.tables(12, 48);
        a.map(VA, frame(0), 3, AF | NG);
        a.map(GLOBAL_VA, frame(2), 3, AF);
        b.map(VA, frame(1), 3, AF | NG);
        b.map(GLOBAL_VA, frame(2), 3, AF);
        m.enable(a, 1L << 36); // 16-bit ASIDs
        return new TestMachine.Tables[] {a, b};
    }

    @Test
    void switchingBackToAnAsidFindsItsEntriesStillCached() {
        TestMachine.Tables[] t = twoSets();
        asid(t[0], 1);
        assertEquals(1, read(VA));
        t[0].map(VA, frame(3), 3, AF | NG); // remapped without TLBI: the cached entry stays in use
        asid(t[1], 2);
        assertEquals(2, read(VA));
        asid(t[0], 1);
        assertEquals(1, read(VA), "ASID 1's entry survives the switch to ASID 2 and back");
        tlbi(1, 1L << 48 | VA >>> 12); // TLBI VAE1, ASID 1
        assertEquals(4, read(VA));
    }

    @Test
    void aNonGlobalEntryIsNotUsedUnderAnotherAsid() {
        TestMachine.Tables[] t = twoSets();
        asid(t[0], 1);
        assertEquals(1, read(VA));
        asid(t[0], 2); // same tables, other ASID: must walk again
        t[0].map(VA, frame(3), 3, AF | NG);
        assertEquals(4, read(VA));
        asid(t[0], 1);
        assertEquals(1, read(VA));
    }

    @Test
    void aTableBaseChangeAloneKeepsTheEntries() {
        TestMachine.Tables[] t = twoSets();
        asid(t[0], 1);
        assertEquals(1, read(VA));
        asid(t[1], 1); // entries are tagged with the ASID, not the base: software must TLBI when reusing one
        assertEquals(1, read(VA));
        tlbi(2, 1L << 48); // TLBI ASIDE1
        assertEquals(2, read(VA));
    }

    @Test
    void tlbiAside1DropsOnlyThatAsidsNonGlobalEntries() {
        TestMachine.Tables[] t = twoSets();
        asid(t[0], 1);
        assertEquals(1, read(VA));
        assertEquals(3, read(GLOBAL_VA));
        asid(t[1], 2);
        assertEquals(2, read(VA));
        assertEquals(3, read(GLOBAL_VA));
        t[0].map(VA, frame(3), 3, AF | NG);
        t[1].map(VA, frame(4), 3, AF | NG);
        t[0].map(GLOBAL_VA, frame(5), 3, AF);
        t[1].map(GLOBAL_VA, frame(5), 3, AF);
        tlbi(2, 1L << 48); // TLBI ASIDE1, ASID 1, issued under ASID 2
        assertEquals(2, read(VA), "ASID 2's entry is kept");
        assertEquals(3, read(GLOBAL_VA), "global entries are kept");
        asid(t[0], 1);
        assertEquals(4, read(VA), "ASID 1's entry is gone");
        assertEquals(3, read(GLOBAL_VA));
    }

    @Test
    void tlbiVae1DropsThatAsidsAndGlobalEntriesOfTheVa() {
        TestMachine.Tables[] t = twoSets();
        asid(t[0], 1);
        assertEquals(1, read(VA));
        assertEquals(3, read(GLOBAL_VA));
        asid(t[1], 2);
        assertEquals(2, read(VA));
        assertEquals(3, read(GLOBAL_VA));
        t[0].map(VA, frame(3), 3, AF | NG);
        t[1].map(VA, frame(4), 3, AF | NG);
        t[0].map(GLOBAL_VA, frame(5), 3, AF);
        t[1].map(GLOBAL_VA, frame(5), 3, AF);
        tlbi(1, 1L << 48 | VA >>> 12);        // TLBI VAE1, ASID 1
        tlbi(1, 7L << 48 | GLOBAL_VA >>> 12); // TLBI VAE1 of an unrelated ASID still drops global entries
        assertEquals(2, read(VA), "ASID 2's entry is kept");
        assertEquals(6, read(GLOBAL_VA));
        asid(t[0], 1);
        assertEquals(4, read(VA));
        assertEquals(6, read(GLOBAL_VA), "the global entry is gone from every bank");
    }

    @Test
    void tlbiVaae1DropsTheVaOfEveryAsid() {
        TestMachine.Tables[] t = twoSets();
        asid(t[0], 1);
        assertEquals(1, read(VA));
        asid(t[1], 2);
        assertEquals(2, read(VA));
        t[0].map(VA, frame(3), 3, AF | NG);
        t[1].map(VA, frame(4), 3, AF | NG);
        tlbi(3, VA >>> 12); // TLBI VAAE1
        assertEquals(5, read(VA));
        asid(t[0], 1);
        assertEquals(4, read(VA));
    }

    @Test
    void tlbiVmalle1DropsEveryAsid() {
        TestMachine.Tables[] t = twoSets();
        asid(t[0], 1);
        assertEquals(1, read(VA));
        asid(t[1], 2);
        assertEquals(2, read(VA));
        t[0].map(VA, frame(3), 3, AF | NG);
        tlbi(0, 0); // TLBI VMALLE1
        asid(t[0], 1);
        assertEquals(4, read(VA));
    }

    @Test
    void tcrA1TakesTheAsidFromTtbr1() {
        TestMachine.Tables[] t = twoSets();
        SysRegs s = cpu.sys;
        s.write(SysRegs.TCR_EL1, s.tcrEl1 | 1L << 22); // A1: TTBR1_EL1.ASID is the ASID (TTBR1 walks stay off)
        s.write(SysRegs.TTBR1_EL1, 1L << 48);
        asid(t[0], 9); // ignored as an ASID now
        assertEquals(1, read(VA));
        t[0].map(VA, frame(3), 3, AF | NG);
        s.write(SysRegs.TTBR1_EL1, 2L << 48);
        assertEquals(4, read(VA), "ASID 2: walked again");
        s.write(SysRegs.TTBR1_EL1, 1L << 48);
        assertEquals(1, read(VA), "ASID 1's entry");
        asid(t[0], 5);
        assertEquals(1, read(VA), "TTBR0's ASID field does not select a bank under A1");
    }

    @Test
    void eightBitAsidsIgnoreTheTopByte() {
        TestMachine.Tables[] t = twoSets();
        cpu.sys.write(SysRegs.TCR_EL1, cpu.sys.tcrEl1 & ~(1L << 36)); // TCR.AS = 0
        asid(t[0], 0x101);
        assertEquals(1, read(VA));
        t[0].map(VA, frame(3), 3, AF | NG);
        asid(t[0], 0x201); // ASID 1 again: bits [63:56] are ignored
        assertEquals(1, read(VA));
        tlbi(2, 0x301L << 48); // TLBI ASIDE1 of ASID 1
        assertEquals(4, read(VA));
    }

    @Test
    void moreAsidsThanBanksReuseTheLeastRecentlyUsedBank() {
        TestMachine.Tables[] t = twoSets();
        asid(t[0], 1);
        assertEquals(1, read(VA));
        t[0].map(VA, frame(3), 3, AF | NG);
        for (int a = 2; a < 2 + CpuMemory.BANKS; a++) {
            asid(t[1], a);
            assertEquals(2, read(VA));
        }
        asid(t[0], 1);
        assertEquals(4, read(VA), "ASID 1's bank was reused, so its tables are walked again");
        asid(t[1], 2 + CpuMemory.BANKS - 1);
        t[1].map(VA, frame(5), 3, AF | NG);
        assertEquals(2, read(VA), "the most recent other ASID is still cached");
    }

    @Test
    void theFetchTlbAnswersForTheCurrentAsidOnly() {
        TestMachine.Tables[] t = twoSets();
        asid(t[0], 1);
        assertEquals(-1, cpu.memory.fetchPagePa(VA));
        assertEquals(frame(0) + 0x10, cpu.memory.translateFetch(VA + 0x10));
        assertEquals(frame(0), cpu.memory.fetchPagePa(VA + 8));
        asid(t[1], 2);
        assertEquals(-1, cpu.memory.fetchPagePa(VA));
        assertEquals(frame(1), cpu.memory.translateFetch(VA));
        assertEquals(frame(1), cpu.memory.fetchPagePa(VA));
        asid(t[0], 1);
        assertEquals(frame(0), cpu.memory.fetchPagePa(VA));
        tlbi(2, 1L << 48);
        assertEquals(-1, cpu.memory.fetchPagePa(VA));
    }

    @Test
    void innerShareableTlbiDropsOnOtherVcpusWhatItDropsLocally() {
        TestMachine.Tables[] t = twoSets();
        Cpu other = m.addCpu(1);
        TlbShootdown domain = new TlbShootdown();
        domain.add(cpu);
        domain.add(other);
        SysRegs s = other.sys;
        s.write(SysRegs.MAIR_EL1, cpu.sys.mairEl1);
        s.write(SysRegs.TCR_EL1, cpu.sys.tcrEl1);
        s.write(SysRegs.TTBR0_EL1, t[0].root | 1L << 48);
        s.write(SysRegs.SCTLR_EL1, cpu.sys.sctlrEl1);
        assertEquals(1, other.memory.read(VA, 8));
        assertEquals(3, other.memory.read(GLOBAL_VA, 8));
        t[0].map(VA, frame(3), 3, AF | NG);
        t[0].map(GLOBAL_VA, frame(5), 3, AF);
        // The other vCPU is not executing, so the TLBIs return at once and it serves them before its next access.
        cpu.sys.sysOp(SysRegs.key(1, 0, 8, 3, 1), 1L << 48 | GLOBAL_VA >>> 12); // TLBI VAE1IS
        other.memory.serviceFlushRequests();
        assertEquals(6, other.memory.read(GLOBAL_VA, 8));
        assertEquals(1, other.memory.read(VA, 8), "another page's entry stays cached");
        cpu.sys.sysOp(SysRegs.key(1, 0, 8, 3, 2), 2L << 48); // TLBI ASIDE1IS, ASID 2
        other.memory.serviceFlushRequests();
        assertEquals(1, other.memory.read(VA, 8), "ASID 1's entry stays cached");
        cpu.sys.sysOp(SysRegs.key(1, 0, 8, 3, 2), 1L << 48); // TLBI ASIDE1IS, ASID 1
        other.memory.serviceFlushRequests();
        assertEquals(4, other.memory.read(VA, 8));
    }

    @Test
    void tooManyUnservedRequestsBecomeOneFullFlush() {
        TestMachine.Tables[] t = twoSets();
        asid(t[0], 1);
        assertEquals(1, read(VA));
        t[0].map(VA, frame(3), 3, AF | NG);
        for (int i = 0; i < 40; i++) {
            cpu.memory.requestInvalidation(new TlbInvalidation(TlbInvalidation.Scope.VA_EL1, GLOBAL_VA, -1));
        }
        assertEquals(1, read(VA), "a request is served at the next miss or instruction boundary");
        cpu.memory.serviceFlushRequests();
        assertEquals(4, read(VA), "the overflow flushed everything");
    }
}
