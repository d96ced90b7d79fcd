package dev.armature.arch.aarch64;

import static dev.armature.arch.aarch64.TestMachine.AF;
import static dev.armature.arch.aarch64.TestMachine.AP_EL0;
import static dev.armature.arch.aarch64.TestMachine.AP_RO;
import static dev.armature.arch.aarch64.TestMachine.NG;
import static dev.armature.arch.aarch64.TestMachine.PXN;
import static dev.armature.arch.aarch64.TestMachine.RAM;
import static dev.armature.arch.aarch64.TestMachine.SH_INNER;
import static dev.armature.arch.aarch64.TestMachine.UXN;
import static dev.armature.arch.aarch64.TestMachine.expectFault;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MmuTest {
    private final TestMachine m = new TestMachine(CpuModel.CORTEX_A57);
    private final Cpu cpu = m.cpu;
    private static final long DATA = RAM + 0x10_0000; // a page of data in RAM
    private static final long ATTR_NORMAL = 1L << 2; // AttrIndx 1 = MAIR byte 0xff

    @AfterEach
    void close() {
        m.close();
    }

    private long readAt(long va) {
        return cpu.memory.read(va, 8);
    }

    @ParameterizedTest(name = "granule 2^{0}, {1}-bit VA, starts at level {2}")
    @CsvSource({"12, 48, 0", "12, 42, 0", "12, 39, 1", "12, 25, 2", "14, 48, 0", "14, 47, 1", "14, 36, 2",
            "16, 48, 1", "16, 42, 2", "16, 39, 2"})
    void pagesTranslateForEveryGranuleAndVaSize(int granule, int vaBits, int startLevel) {
        TestMachine.Tables t = m.tables(granule, vaBits);
        assertEquals(startLevel, t.startLevel);
        long va = (1L << (vaBits - 1)) + (5L << granule) + 0x18; // high in the range: uses the top index bits
        t.map(va & -(1L << granule), DATA & -(1L << granule), 3, AF | ATTR_NORMAL);
        m.phys.write((DATA & -(1L << granule)) + (va & ((1L << granule) - 1)), 8, 0x1122_3344_5566_7788L);
        m.enable(t, 0);
        assertEquals(0x1122_3344_5566_7788L, readAt(va));
        // The next page is unmapped: translation fault at level 3.
        SyncException e = expectFault(() -> readAt(va + (1L << granule)));
        assertEquals(Esr.EC_DABT_SAME, e.ec);
        assertEquals(Esr.FSC_TRANSLATION_L0 + 3, e.iss & 0x3f);
        assertEquals(va + (1L << granule), e.far);
    }

    /** ESR_EL1/FAR_EL1 for data aborts at EL1, as QEMU 7.2 reports them (ISV=0 for stage-1 aborts). */
    @Test
    void dataAbortSyndromesMatchQemu() {
        TestMachine.Tables t = m.tables(12, 39);
        t.map(0x4000, DATA, 3, ATTR_NORMAL);         // AF=0
        t.map(0x5000, DATA, 3, AF | ATTR_NORMAL | AP_RO);
        m.enable(t, 0);
        Object[][] cases = {
            {(Runnable) () -> cpu.memory.read(0x6000, 4), 0x96000007L, 0x6000L},
            {(Runnable) () -> cpu.memory.write(0x5004, 8, 0), 0x9600004fL, 0x5004L},
            {(Runnable) () -> cpu.memory.read(0x4001, 1), 0x9600000bL, 0x4001L},
        };
        for (Object[] c : cases) {
            Exceptions.takeSync(cpu, expectFault((Runnable) c[0]));
            assertEquals((long) c[1], cpu.sys.esrEl1);
            assertEquals((long) c[2], cpu.sys.farEl1);
            cpu.setMode(1, true);
        }
    }

    @Test
    void blocksAtLevelsOneAndTwo() {
        TestMachine.Tables t = m.tables(12, 48);
        t.map(0x8000_0000L, RAM, 1, AF | ATTR_NORMAL);          // 1G block
        t.map(0x20_0000L, RAM + 0x20_0000, 2, AF | ATTR_NORMAL); // 2M block
        m.enable(t, 0);
        m.phys.write(RAM + 0x12_3450, 8, 42);
        m.phys.write(RAM + 0x33_3450, 8, 43);
        assertEquals(42, readAt(0x8012_3450L));
        assertEquals(43, readAt(0x33_3450L));
    }

    @Test
    void blockAtLevelOneIsReservedFor64kGranule() {
        TestMachine.Tables t = m.tables(16, 48); // starts at level 1
        t.map(0x400_0000_0000L, RAM, 1, AF);
        m.enable(t, 0);
        assertEquals(Esr.FSC_TRANSLATION_L0 + 1, expectFault(() -> readAt(0x400_0000_0000L)).iss & 0x3f);
    }

    @Test
    void ttbr1TranslatesTheUpperRange() {
        TestMachine.Tables low = m.tables(12, 48);
        TestMachine.Tables high = m.tables(12, 39);
        low.map(0x1000, DATA, 3, AF);
        high.map(0xffff_ff80_0000_2000L, DATA + 0x1000, 3, AF);
        m.phys.write(DATA, 8, 1);
        m.phys.write(DATA + 0x1000, 8, 2);
        m.enable(low, high.tcrT1() & ~0L);
        cpu.sys.write(SysRegs.TCR_EL1, cpu.sys.tcrEl1 & ~(1L << 23)); // EPD1 off
        cpu.sys.write(SysRegs.TTBR1_EL1, high.root);
        assertEquals(1, readAt(0x1000));
        assertEquals(2, readAt(0xffff_ff80_0000_2000L));
        // Neither all zeros nor all ones above bit 38 / 47: translation fault, level 0.
        assertEquals(Esr.FSC_TRANSLATION_L0, expectFault(() -> readAt(0xffff_0000_0000_2000L)).iss & 0x3f);
        assertEquals(Esr.FSC_TRANSLATION_L0, expectFault(() -> readAt(0x0001_0000_0000_0000L)).iss & 0x3f);
        // EPD1 disables walks through TTBR1: level 0 fault.
        cpu.sys.write(SysRegs.TCR_EL1, cpu.sys.tcrEl1 | 1L << 23);
        assertEquals(Esr.FSC_TRANSLATION_L0, expectFault(() -> readAt(0xffff_ff80_0000_2000L)).iss & 0x3f);
    }

    @Test
    void topByteIgnoredWhenTbiSet() {
        TestMachine.Tables t = m.tables(12, 48);
        t.map(0x1000, DATA, 3, AF);
        m.phys.write(DATA, 8, 7);
        m.enable(t, 0);
        assertEquals(Esr.FSC_TRANSLATION_L0, expectFault(() -> readAt(0x5a00_0000_0000_1000L)).iss & 0x3f);
        cpu.sys.write(SysRegs.TCR_EL1, cpu.sys.tcrEl1 | 1L << 37);
        assertEquals(7, readAt(0x5a00_0000_0000_1000L));
    }

    @Test
    void faultLevelsAndAccessFlag() {
        TestMachine.Tables t = m.tables(12, 48);
        t.map(0x1000, DATA, 3, 0);                   // AF=0
        t.map(0x4000_0000L, RAM, 1, ATTR_NORMAL);     // AF=0 block at level 1
        m.enable(t, 0);
        assertEquals(Esr.FSC_ACCESS_FLAG_L0 + 3, expectFault(() -> readAt(0x1000)).iss & 0x3f);
        assertEquals(Esr.FSC_ACCESS_FLAG_L0 + 1, expectFault(() -> readAt(0x4000_1000L)).iss & 0x3f);
        // 0x80_0000_0000 has no level-1 table under its level-0 entry: level 0 fault.
        assertEquals(Esr.FSC_TRANSLATION_L0, expectFault(() -> readAt(0x80_0000_0000L)).iss & 0x3f);
        // Level-2 table exists for 0x1000 but nothing at 0x20_0000: level 2 fault.
        assertEquals(Esr.FSC_TRANSLATION_L0 + 2, expectFault(() -> readAt(0x20_0000L)).iss & 0x3f);
    }

    @Test
    void outputAddressBeyondPaRangeIsAnAddressSizeFault() {
        TestMachine.Tables t = m.tables(12, 48);
        t.map(0x1000, 1L << 44, 3, AF); // the A57 has 44 PA bits
        m.enable(t, 0);
        assertEquals(Esr.FSC_ADDR_SIZE_L0 + 3, expectFault(() -> readAt(0x1000)).iss & 0x3f);
    }

    @Test
    void permissionsByExceptionLevel() {
        TestMachine.Tables t = m.tables(12, 48);
        t.map(0x1000, DATA, 3, AF);                       // EL1 RW, EL0 none
        t.map(0x2000, DATA, 3, AF | AP_RO);               // EL1 RO
        t.map(0x3000, DATA, 3, AF | AP_EL0);              // EL0 RW (so PXN implied)
        t.map(0x4000, DATA, 3, AF | AP_EL0 | AP_RO | UXN); // EL0 RO, no EL0 exec
        t.map(0x5000, DATA, 3, AF | PXN);                 // no EL1 exec
        m.enable(t, 0);
        cpu.memory.write(0x1000, 8, 5);
        SyncException ro = expectFault(() -> cpu.memory.write(0x2000, 8, 1));
        assertEquals(Esr.EC_DABT_SAME, ro.ec);
        assertEquals(Esr.FSC_PERMISSION_L0 + 3 | Esr.ISS_WNR, ro.iss);
        assertEquals(Esr.FSC_PERMISSION_L0 + 3, expectFault(() -> cpu.memory.fetch(0x3000)).iss);
        assertEquals(Esr.EC_IABT_SAME, expectFault(() -> cpu.memory.fetch(0x5000)).ec);
        assertEquals(5, cpu.memory.fetch(0x1000)); // executable at EL1

        cpu.setMode(0, false);
        SyncException el0 = expectFault(() -> readAt(0x1000));
        assertEquals(Esr.EC_DABT_LOWER, el0.ec);
        assertEquals(Esr.FSC_PERMISSION_L0 + 3, el0.iss);
        assertEquals(5, readAt(0x3000));
        cpu.memory.write(0x3000, 8, 6);
        assertEquals(6, readAt(0x4000));
        assertEquals(Esr.FSC_PERMISSION_L0 + 3 | Esr.ISS_WNR,
                expectFault(() -> cpu.memory.write(0x4000, 8, 1)).iss);
        SyncException uxn = expectFault(() -> cpu.memory.fetch(0x4000));
        assertEquals(Esr.EC_IABT_LOWER, uxn.ec);
        assertEquals(6, cpu.memory.fetch(0x3000)); // EL0 may execute what it may write (no WXN)
        assertEquals(6, cpu.memory.fetch(0x1000)); // execute-only for EL0: AP=00, UXN=0

        // Back at EL1 the cached EL0 entries must not grant EL1 anything they should not.
        cpu.setMode(1, true);
        assertEquals(Esr.FSC_PERMISSION_L0 + 3, expectFault(() -> cpu.memory.fetch(0x3000)).iss);
    }

    @Test
    void unprivilegedAccessesUseEl0Permissions() {
        TestMachine.Tables t = m.tables(12, 48);
        t.map(0x1000, DATA, 3, AF);                     // EL1 only
        t.map(0x2000, DATA, 3, AF | AP_EL0 | AP_RO);    // EL0 read-only
        m.enable(t, 0);
        m.phys.write(DATA, 8, 3);
        assertEquals(3, cpu.memory.read(0x1000, 8));
        SyncException e = expectFault(() -> cpu.memory.readUnprivileged(0x1000, 8));
        assertEquals(Esr.EC_DABT_SAME, e.ec);            // taken from EL1 to EL1
        assertEquals(Esr.FSC_PERMISSION_L0 + 3, e.iss);
        assertEquals(3, cpu.memory.readUnprivileged(0x2000, 8));
        assertEquals(Esr.FSC_PERMISSION_L0 + 3 | Esr.ISS_WNR,
                expectFault(() -> cpu.memory.writeUnprivileged(0x2000, 8, 0)).iss);
        assertEquals(3, cpu.memory.read(0x1000, 8)); // the EL1 context is back
    }

    @Test
    void alignmentCheckingWithSctlrA() {
        TestMachine.Tables t = m.tables(12, 48);
        t.map(0x1000, DATA, 3, AF);
        m.enable(t, 0);
        cpu.memory.read(0x1001, 4); // unaligned accesses to Normal memory are fine with A=0
        cpu.sys.write(SysRegs.SCTLR_EL1, cpu.sys.sctlrEl1 | 2);
        SyncException e = expectFault(() -> cpu.memory.write(0x1002, 4, 0));
        assertEquals(Esr.FSC_ALIGNMENT | Esr.ISS_WNR, e.iss);
        assertEquals(0x1002, e.far);
        cpu.memory.read(0x1004, 4);
        cpu.memory.read(0x1004, 4);
    }

    @Test
    void wxnMakesWritableMemoryExecuteNever() {
        TestMachine.Tables t = m.tables(12, 48);
        t.map(0x1000, DATA, 3, AF);
        t.map(0x2000, DATA, 3, AF | AP_RO);
        m.enable(t, 0);
        cpu.sys.write(SysRegs.SCTLR_EL1, cpu.sys.sctlrEl1 | 1L << 19);
        assertEquals(Esr.FSC_PERMISSION_L0 + 3, expectFault(() -> cpu.memory.fetch(0x1000)).iss);
        cpu.memory.fetch(0x2000);
    }

    @Test
    void hierarchicalTableAttributes() {
        TestMachine.Tables t = m.tables(12, 48);
        t.map(0x1000, DATA, 3, AF | AP_EL0);
        long l2 = t.entry(0x1000, 2);
        m.phys.write(l2, 8, m.phys.read(l2, 8) | 1L << 61 | 1L << 62); // APTable: no EL0, read-only
        m.enable(t, 0);
        readAt(0x1000);
        assertEquals(Esr.FSC_PERMISSION_L0 + 3 | Esr.ISS_WNR, expectFault(() -> cpu.memory.write(0x1000, 8, 0)).iss);
        cpu.setMode(0, false);
        assertEquals(Esr.FSC_PERMISSION_L0 + 3, expectFault(() -> readAt(0x1000)).iss);
    }

    @Test
    void asidTaggedEntriesAndTlbiAside1() {
        TestMachine.Tables a = m.tables(12, 48);
        TestMachine.Tables b = m.tables(12, 48);
        a.map(0x1000, DATA, 3, AF | NG);
        a.map(0x9000, DATA + 0x2000, 3, AF);        // global
        b.map(0x1000, DATA + 0x1000, 3, AF | NG);
        m.phys.write(DATA, 8, 0xa);
        m.phys.write(DATA + 0x1000, 8, 0xb);
        m.phys.write(DATA + 0x2000, 8, 0xc);
        m.phys.write(DATA + 0x3000, 8, 0xd);
        m.enable(a, 1L << 36); // 16-bit ASIDs
        cpu.sys.write(SysRegs.TTBR0_EL1, a.root | 1L << 48);
        assertEquals(0xa, readAt(0x1000));
        assertEquals(0xc, readAt(0x9000));
        cpu.sys.write(SysRegs.TTBR0_EL1, b.root | 2L << 48); // context switch, no TLBI
        assertEquals(0xb, readAt(0x1000));
        cpu.sys.write(SysRegs.TTBR0_EL1, a.root | 1L << 48);
        assertEquals(0xa, readAt(0x1000));
        assertEquals(0xc, readAt(0x9000));
        // Change ASID 1's mapping and the global one; TLBI ASIDE1 for ASID 1 drops only the non-global entry.
        a.map(0x1000, DATA + 0x3000, 3, AF | NG);
        a.map(0x9000, DATA + 0x3000, 3, AF);
        cpu.sys.sysOp(SysRegs.key(1, 0, 8, 7, 2), 1L << 48);
        assertEquals(0xd, readAt(0x1000));
        assertEquals(0xc, readAt(0x9000)); // still the cached global translation
        cpu.sys.sysOp(SysRegs.key(1, 0, 8, 7, 3), 0x9000 >>> 12); // TLBI VAAE1
        assertEquals(0xd, readAt(0x9000));
    }

    @Test
    void cacheMaintenanceFaultsAndDcZva() {
        TestMachine.Tables t = m.tables(12, 48);
        t.map(0x1000, DATA, 3, AF | AP_RO);
        t.map(0x2000, DATA + 0x1000, 3, AF);
        m.enable(t, 0);
        cpu.sys.sysOp(SysRegs.key(1, 3, 7, 14, 1), 0x1040); // DC CIVAC on a readable page
        SyncException e = expectFault(() -> cpu.sys.sysOp(SysRegs.key(1, 3, 7, 10, 1), 0x7000)); // DC CVAC
        assertEquals(Esr.FSC_TRANSLATION_L0 + 3 | Esr.ISS_CM | Esr.ISS_WNR, e.iss);
        e = expectFault(() -> cpu.sys.sysOp(SysRegs.key(1, 0, 7, 6, 1), 0x1000)); // DC IVAC needs write access
        assertEquals(Esr.FSC_PERMISSION_L0 + 3 | Esr.ISS_CM | Esr.ISS_WNR, e.iss);
        for (int i = 0; i < 256; i += 8) {
            m.phys.write(DATA + 0x1000 + i, 8, -1L);
        }
        cpu.sys.sysOp(SysRegs.key(1, 3, 7, 4, 1), 0x2047); // DC ZVA: zeroes the 64-byte block at 0x2040
        assertEquals(-1L, m.phys.read(DATA + 0x1038, 8));
        assertEquals(0, m.phys.read(DATA + 0x1040, 8));
        assertEquals(0, m.phys.read(DATA + 0x1078, 8));
        assertEquals(-1L, m.phys.read(DATA + 0x1080, 8));
        assertEquals(Esr.FSC_PERMISSION_L0 + 3 | Esr.ISS_WNR,
                expectFault(() -> cpu.sys.sysOp(SysRegs.key(1, 3, 7, 4, 1), 0x1000)).iss);
    }

    @Test
    void tlbiByVaDropsWholeBlocks() {
        TestMachine.Tables t = m.tables(12, 48);
        t.map(0x20_0000L, RAM, 2, AF);
        t.map(0x1000, DATA, 3, AF);
        m.enable(t, 0);
        m.phys.write(RAM + 0x5000, 8, 1);
        assertEquals(1, readAt(0x20_5000L));
        t.map(0x20_0000L, RAM + 0x20_0000, 2, AF);
        m.phys.write(RAM + 0x20_5000, 8, 2);
        assertEquals(1, readAt(0x20_5000L)); // cached
        cpu.sys.sysOp(SysRegs.key(1, 0, 8, 7, 1), 0x3f_f000L >>> 12); // TLBI VAE1 on another page of the block
        assertEquals(2, readAt(0x20_5000L));
    }

    @Test
    void controlRegisterWritesDropCachedTranslations() {
        TestMachine.Tables t = m.tables(12, 48);
        t.map(0x1000, DATA, 3, AF);
        m.phys.write(DATA, 8, 9);
        m.enable(t, 0);
        assertEquals(9, readAt(0x1000));
        cpu.sys.write(SysRegs.SCTLR_EL1, cpu.sys.sctlrEl1 & ~1L);
        // MMU off: 0x1000 is a physical address with nothing behind it.
        assertEquals(Esr.FSC_SYNC_EXTERNAL, expectFault(() -> readAt(0x1000)).iss & 0x3f);
    }

    @Test
    void mmuOffChecksPhysicalAddressSize() {
        assertEquals(Esr.FSC_ADDR_SIZE_L0, expectFault(() -> readAt(1L << 44)).iss & 0x3f);
    }

    /**
     * The same tables and AT instructions as a bare-metal probe run on QEMU 7.2 ({@code -M virt -cpu cortex-a57},
     * EL1, 4K granule, T0SZ=25, IPS=44 bits, MAIR = 0x44ff00); the expected PAR_EL1 values are what QEMU printed.
     */
    @Test
    void addressTranslationMatchesQemu() {
        TestMachine.Tables t = m.tables(12, 39);
        long page = 0x4020_0000L;
        t.map(0x1000, page + 0x1000, 3, AF | ATTR_NORMAL | SH_INNER);
        t.map(0x2000, page + 0x2000, 3, AF | SH_INNER);                 // Device
        t.map(0x3000, page + 0x3000, 3, AF | 2L << 2 | SH_INNER);       // Normal Non-cacheable
        t.map(0x4000, page + 0x4000, 3, ATTR_NORMAL);                   // AF=0
        t.map(0x5000, page + 0x5000, 3, AF | ATTR_NORMAL | AP_RO);
        t.map(0x7000, page + 0x7000, 3, AF | ATTR_NORMAL);              // EL1 only
        t.map(0x8000, page + 0x8000, 3, AF | ATTR_NORMAL | 2L << 8);    // outer shareable
        t.map(0x9000, 1L << 44, 3, AF | ATTR_NORMAL);                   // OA beyond 44 bits
        t.map(0xa000, page + 0xa000, 3, AF | ATTR_NORMAL | AP_EL0 | AP_RO | NG);
        t.map(0x4000_0000L, 0x4000_0000L, 1, AF | ATTR_NORMAL);
        cpu.sys.write(SysRegs.MAIR_EL1, 0x44ff00);
        cpu.sys.write(SysRegs.TCR_EL1, 25 | 1L << 23 | 4L << 32 | 3L << 12);
        cpu.sys.write(SysRegs.TTBR0_EL1, t.root);
        cpu.sys.write(SysRegs.SCTLR_EL1, cpu.sys.sctlrEl1 | 1);
        int s1e1r = SysRegs.key(1, 0, 7, 8, 0);
        int s1e1w = SysRegs.key(1, 0, 7, 8, 1);
        int s1e0r = SysRegs.key(1, 0, 7, 8, 2);
        int s1e0w = SysRegs.key(1, 0, 7, 8, 3);
        long[][] cases = {
            {s1e1r, 0x1234, 0xff00000040201b80L},
            {s1e1r, 0x2000, 0x0000000040202b80L},
            {s1e1r, 0x3000, 0x4400000040203b80L},
            {s1e1r, 0x4000, 0x817},
            {s1e1w, 0x5000, 0x81f},
            {s1e1r, 0x5000, 0xff00000040205a00L},
            {s1e1r, 0x6000, 0x80f},
            {s1e0r, 0x7000, 0x81f},
            {s1e1r, 0x8000, 0xff00000040208b00L},
            {s1e1r, 0x9000, 0x807},
            {s1e1r, 0x80_0000_0000L, 0x809},
            {s1e0w, 0xa000, 0x81f},
            {s1e1r, 0x4020_1000L, 0xff00000040201a00L},
        };
        for (long[] c : cases) {
            cpu.sys.sysOp((int) c[0], c[1]);
            assertEquals(c[2], cpu.sys.read(SysRegs.key(3, 0, 7, 4, 0)), String.format("AT of 0x%x", c[1]));
        }
        cpu.sys.write(SysRegs.SCTLR_EL1, cpu.sys.sctlrEl1 & ~1L); // MMU off: flat, attributes 0
        cpu.sys.sysOp(s1e1r, 0x1234);
        assertEquals(0x1a00, cpu.sys.parEl1);
        cpu.sys.sysOp(s1e1w, 0x4000_0000L);
        assertEquals(0x4000_0a00L, cpu.sys.parEl1);
        cpu.setMode(0, false);
        assertEquals(Esr.EC_UNKNOWN, expectFault(() -> cpu.sys.sysOp(s1e1r, 0)).ec);
    }

    @Test
    void el2RegimeUsesItsOwnTables() {
        try (TestMachine h = new TestMachine(CpuModel.CORTEX_A57.withEl2(true))) {
            Cpu c = h.cpu;
            c.setMode(2, true);
            TestMachine.Tables t = h.tables(12, 39);
            t.map(0x1000, DATA, 3, AF);
            t.map(0x2000, DATA, 3, AF | AP_EL0 | 1L << 54); // XN
            h.phys.write(DATA, 8, 77);
            c.sys.write(SysRegs.key(3, 4, 10, 2, 0), 0xff00); // MAIR_EL2
            c.sys.write(SysRegs.key(3, 4, 2, 0, 2), 25 | 5L << 16); // TCR_EL2: T0SZ=25, PS=48 bits
            c.sys.write(SysRegs.key(3, 4, 2, 0, 0), t.root);
            c.sys.write(SysRegs.key(3, 4, 1, 0, 0), 1); // SCTLR_EL2.M
            assertEquals(77, c.memory.read(0x1000, 8));
            assertEquals(Esr.EC_IABT_SAME, expectFault(() -> c.memory.fetch(0x2000)).ec);
            // The EL1&0 regime is still off.
            c.setMode(1, true);
            assertEquals(Esr.FSC_SYNC_EXTERNAL, expectFault(() -> c.memory.read(0x1000, 8)).iss & 0x3f);
        }
    }

    @Test
    void innerShareableTlbiReachesOtherVcpus() throws Exception {
        Cpu other = m.addCpu(1);
        TlbShootdown domain = new TlbShootdown();
        domain.add(cpu);
        domain.add(other);
        TestMachine.Tables t = m.tables(12, 48);
        t.map(0x1000, DATA, 3, AF);
        m.phys.write(DATA, 8, 1);
        m.phys.write(DATA + 0x1000, 8, 2);
        for (Cpu c : new Cpu[] {cpu, other}) {
            c.sys.write(SysRegs.TCR_EL1, t.tcrT0() | 5L << 32 | 1L << 23);
            c.sys.write(SysRegs.TTBR0_EL1, t.root);
            c.sys.write(SysRegs.SCTLR_EL1, c.sys.sctlrEl1 | 1);
        }
        assertEquals(1, other.memory.read(0x1000, 8));
        t.map(0x1000, DATA + 0x1000, 3, AF);

        // The other vCPU is "executing": it serves exit requests the way a run loop does.
        other.executing = true;
        Thread loop = new Thread(() -> {
            while (other.executing) {
                if ((other.exitRequest & Cpu.EXIT_TLB_FLUSH) != 0) {
                    other.takeExitRequest();
                    other.memory.serviceFlushRequests();
                }
                Thread.onSpinWait();
            }
        });
        loop.start();
        cpu.sys.sysOp(SysRegs.key(1, 0, 8, 3, 0), 0); // TLBI VMALLE1IS: returns once the other has flushed
        other.executing = false;
        loop.join();
        assertEquals(2, other.memory.read(0x1000, 8)); // fast path: would hit a stale entry without the flush

        // A vCPU that is not executing is not waited for; it flushes when its run loop starts.
        t.map(0x1000, DATA, 3, AF);
        cpu.sys.sysOp(SysRegs.key(1, 0, 8, 3, 0), 0);
        other.memory.serviceFlushRequests();
        assertEquals(1, other.memory.read(0x1000, 8));
    }
}
