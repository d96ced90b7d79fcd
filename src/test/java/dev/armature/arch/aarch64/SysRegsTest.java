package dev.armature.arch.aarch64;

import static dev.armature.arch.aarch64.SysRegs.key;
import static dev.armature.arch.aarch64.TestMachine.RAM;
import static dev.armature.arch.aarch64.TestMachine.expectFault;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SysRegsTest {
    private static final int ID_AA64PFR0 = key(3, 0, 0, 4, 0);
    private static final int ID_AA64ISAR0 = key(3, 0, 0, 6, 0);
    private static final int ID_AA64ISAR1 = key(3, 0, 0, 6, 1);
    private static final int ID_AA64MMFR0 = key(3, 0, 0, 7, 0);
    private static final int ID_AA64DFR0 = key(3, 0, 0, 5, 0);
    private static final int SP_EL1 = key(3, 4, 4, 1, 0);
    private static final int HCR_EL2 = key(3, 4, 1, 1, 0);
    private static final int VPIDR_EL2 = key(3, 4, 0, 0, 0);
    private static final int CNTKCTL_EL1 = key(3, 0, 14, 1, 0);
    private static final int PMCR_EL0 = key(3, 3, 9, 12, 0);

    /** Values read with MRS on QEMU 7.2 {@code -M virt -cpu cortex-a57} at EL1 (and with virtualization=on). */
    @Test
    void cortexA57IdentificationMatchesQemu() {
        try (TestMachine m = new TestMachine(CpuModel.CORTEX_A57)) {
            SysRegs s = m.cpu.sys;
            assertEquals(0x411fd070L, s.read(SysRegs.MIDR_EL1));
            assertEquals(0x8000_0000L, s.read(SysRegs.MPIDR_EL1));
            assertEquals(0x8444c004L, s.read(SysRegs.CTR_EL0));
            assertEquals(4, s.read(SysRegs.DCZID_EL0));
            assertEquals(0x0a200023L, s.read(key(3, 1, 0, 0, 1)));
            assertEquals(0x22, s.read(ID_AA64PFR0));
            assertEquals(0x10305106L, s.read(ID_AA64DFR0));
            assertEquals(0x11120, s.read(ID_AA64ISAR0));
            assertEquals(0, s.read(ID_AA64ISAR1));
            assertEquals(0x1124, s.read(ID_AA64MMFR0));
            assertEquals(0x131, s.read(key(3, 0, 0, 1, 0)));      // ID_PFR0
            assertEquals(0x10001, s.read(key(3, 0, 0, 1, 1)));    // ID_PFR1
            assertEquals(0x03010006L, s.read(key(3, 0, 0, 1, 2))); // ID_DFR0
            assertEquals(0x10101105L, s.read(key(3, 0, 0, 1, 4))); // ID_MMFR0
            assertEquals(0x02102211L, s.read(key(3, 0, 0, 1, 7))); // ID_MMFR3
            assertEquals(0x21232042L, s.read(key(3, 0, 0, 2, 2))); // ID_ISAR2
            assertEquals(0x00011121L, s.read(key(3, 0, 0, 2, 5))); // ID_ISAR5
            assertEquals(0x10110222L, s.read(key(3, 0, 0, 3, 0))); // MVFR0
            assertEquals(0x12111111L, s.read(key(3, 0, 0, 3, 1))); // MVFR1
            assertEquals(0x43, s.read(key(3, 0, 0, 3, 2)));        // MVFR2
            assertEquals(0x00c50838L, s.read(SysRegs.SCTLR_EL1));
            assertEquals(62_500_000L, s.read(SysRegs.CNTFRQ_EL0));
            assertEquals(0xa, s.read(key(2, 0, 1, 1, 4)));          // OSLSR_EL1: OS lock set at reset
            s.write(key(3, 2, 0, 0, 0), 2);                         // CSSELR = L2
            assertEquals(0x70ffe07aL, s.read(key(3, 1, 0, 0, 0)));
            // Unallocated ID space reads as zero (ID_AA64MMFR2, ID_AA64ZFR0, ID_AA64ISAR2...).
            assertEquals(0, s.read(key(3, 0, 0, 7, 2)));
            assertEquals(0, s.read(key(3, 0, 0, 6, 2)));
        }
        try (TestMachine m = new TestMachine(CpuModel.CORTEX_A57.withEl2(true))) {
            m.cpu.setMode(2, true);
            assertEquals(0x222, m.cpu.sys.read(ID_AA64PFR0));
            assertEquals(0x11001, m.cpu.sys.read(key(3, 0, 0, 1, 1)));
        }
    }

    @Test
    void maxAdvertisesOnlyWhatArmatureImplements() {
        try (TestMachine m = new TestMachine(CpuModel.MAX)) {
            SysRegs s = m.cpu.sys;
            assertEquals(0x000f0510L, s.read(SysRegs.MIDR_EL1));
            assertEquals(2, s.read(ID_AA64ISAR0) >>> 20 & 0xf); // LSE atomics
            assertEquals(1, s.read(ID_AA64ISAR1) >>> 20 & 0xf); // LRCPC
            assertEquals(0, s.read(ID_AA64ISAR1) & 0xff0);      // no pointer authentication (APA, API)
            assertEquals(0, s.read(ID_AA64PFR0) >>> 32 & 0xf);  // no SVE
            assertEquals(0x11, s.read(ID_AA64PFR0));            // AArch64 only, FP and AdvSIMD
            assertEquals(5, s.read(ID_AA64MMFR0) & 0xf);        // 48-bit PA
        }
    }

    /** HCR_EL2 trap controls KVM sets: EC 0x18 to EL2 from EL1 (ISS as for EL1 traps), nothing at EL2 itself. */
    @Test
    void hcrEl2TrapsEl1Accesses() {
        try (TestMachine m = new TestMachine(CpuModel.CORTEX_A57.withEl2(true))) {
            Cpu cpu = m.cpu;
            SysRegs s = cpu.sys;
            m.placeInsn(RAM, 0xd5181003); // msr sctlr_el1, x3
            Object[][] cases = { // HCR bit, access
                {26, (Runnable) () -> s.write(SysRegs.SCTLR_EL1, s.sctlrEl1)},  // TVM
                {26, (Runnable) () -> s.write(SysRegs.TTBR0_EL1, 0)},
                {30, (Runnable) () -> s.read(SysRegs.MAIR_EL1)},                // TRVM
                {18, (Runnable) () -> s.read(ID_AA64PFR0)},                     // TID3
                {17, (Runnable) () -> s.read(SysRegs.CTR_EL0)},                 // TID2
                {17, (Runnable) () -> s.read(key(3, 1, 0, 0, 1))},              // TID2: CLIDR_EL1
                {16, (Runnable) () -> s.read(key(3, 0, 0, 0, 6))},              // TID1: REVIDR_EL1
                {21, (Runnable) () -> s.read(key(3, 0, 1, 0, 1))},              // TACR: ACTLR_EL1
                {28, (Runnable) () -> s.sysOp(key(1, 3, 7, 4, 1), RAM + 0x1000)}, // TDZ: DC ZVA
                {25, (Runnable) () -> s.sysOp(key(1, 0, 8, 7, 0), 0)},          // TTLB: TLBI VMALLE1
                {24, (Runnable) () -> s.sysOp(key(1, 0, 7, 5, 0), 0)},          // TPU: IC IALLU
                {23, (Runnable) () -> s.sysOp(key(1, 3, 7, 10, 1), RAM)},       // TPC: DC CVAC
                {22, (Runnable) () -> s.sysOp(key(1, 0, 7, 6, 2), 0)},          // TSW: DC ISW
            };
            for (Object[] c : cases) {
                s.hcrEl2 = 1L << 31;
                ((Runnable) c[1]).run(); // allowed without the trap bit
                s.hcrEl2 |= 1L << (int) c[0];
                SyncException e = expectFault((Runnable) c[1]);
                assertEquals(Esr.EC_SYSREG, e.ec, "HCR_EL2 bit " + c[0]);
                assertEquals(2, e.targetEl, "HCR_EL2 bit " + c[0]);
            }
            // CPTR_EL2.TCPAC traps CPACR_EL1.
            s.hcrEl2 = 1L << 31;
            s.cptrEl2 |= 1L << 31;
            assertEquals(2, expectFault(() -> s.read(SysRegs.CPACR_EL1)).targetEl);
            s.cptrEl2 &= ~(1L << 31);
            s.read(SysRegs.CPACR_EL1);
            // The ISS names the register and Rt (QEMU: ESR_EL2 0x62300460 for msr sctlr_el1, x3 under TVM).
            s.hcrEl2 = 1L << 31 | 1L << 26;
            assertEquals(0x300460, expectFault(() -> s.write(SysRegs.SCTLR_EL1, 0)).iss);
            // An unknown IMPLEMENTATION DEFINED register is UNDEFINED, unless TIDCP traps it to EL2 first.
            s.hcrEl2 = 1L << 31;
            assertEquals(Esr.EC_UNKNOWN, expectFault(() -> s.read(key(3, 0, 15, 2, 0))).ec);
            s.hcrEl2 = 1L << 31 | 1L << 20;
            assertEquals(2, expectFault(() -> s.read(key(3, 0, 15, 2, 0))).targetEl);
            // TDZ also sets DCZID_EL0.DZP at EL1; HCR_EL2.E2H (ARMv8.1 VHE) is RES0 on cortex-a57.
            s.hcrEl2 = 1L << 31 | 1L << 28;
            assertEquals(0x14, s.read(SysRegs.DCZID_EL0));
            cpu.setMode(2, true);
            s.write(key(3, 4, 1, 1, 0), 1L << 34 | 1L << 31);
            assertEquals(1L << 31, s.hcrEl2);
        }
    }

    @Test
    void el0AccessRules() {
        try (TestMachine m = new TestMachine(CpuModel.CORTEX_A57)) {
            Cpu cpu = m.cpu;
            SysRegs s = cpu.sys;
            m.placeInsn(RAM, 0xd53b0025); // mrs x5, ctr_el0
            cpu.setMode(0, false);
            // EL1 registers are UNDEFINED at EL0.
            assertEquals(Esr.EC_UNKNOWN, expectFault(() -> s.read(SysRegs.SCTLR_EL1)).ec);
            assertEquals(Esr.EC_UNKNOWN, expectFault(() -> s.read(SysRegs.CURRENT_EL)).ec);
            assertEquals(Esr.EC_UNKNOWN, expectFault(() -> s.read(ID_AA64PFR0)).ec);
            // CTR_EL0 with SCTLR_EL1.UCT=0 traps with EC 0x18: Op0=3 Op2=1 Op1=3 CRn=0 Rt=5 CRm=0 read.
            SyncException ctr = expectFault(() -> s.read(SysRegs.CTR_EL0));
            assertEquals(Esr.EC_SYSREG, ctr.ec);
            assertEquals(3 << 20 | 1 << 17 | 3 << 14 | 5 << 5 | 1, ctr.iss);
            // DAIF with UMA=0, DC ZVA with DZE=0, DC CVAU with UCI=0, timers with CNTKCTL_EL1=0, PMU: trap.
            assertEquals(Esr.EC_SYSREG, expectFault(() -> s.write(SysRegs.DAIF, 0)).ec);
            assertEquals(Esr.EC_SYSREG, expectFault(() -> s.sysOp(key(1, 3, 7, 4, 1), RAM)).ec);
            assertEquals(Esr.EC_SYSREG, expectFault(() -> s.sysOp(key(1, 3, 7, 11, 1), RAM)).ec);
            assertEquals(Esr.EC_SYSREG, expectFault(() -> s.read(SysRegs.CNTVCT_EL0)).ec);
            assertEquals(Esr.EC_SYSREG, expectFault(() -> s.read(SysRegs.CNTFRQ_EL0)).ec);
            assertEquals(Esr.EC_SYSREG, expectFault(() -> s.read(PMCR_EL0)).ec);
            assertEquals(0x14, s.read(SysRegs.DCZID_EL0)); // DZP: prohibited at EL0
            // Instruction-cache/TLB maintenance and AT are UNDEFINED at EL0.
            assertEquals(Esr.EC_UNKNOWN, expectFault(() -> s.sysOp(key(1, 0, 7, 5, 0), 0)).ec);
            assertEquals(Esr.EC_UNKNOWN, expectFault(() -> s.sysOp(key(1, 0, 8, 7, 0), 0)).ec);
            assertEquals(Esr.EC_UNKNOWN, expectFault(() -> s.write(SysRegs.TPIDRRO_EL0, 1)).ec);
            s.write(SysRegs.TPIDR_EL0, 5);
            assertEquals(5, s.read(SysRegs.TPIDR_EL0));
            s.read(SysRegs.NZCV);

            cpu.setMode(1, true);
            s.write(SysRegs.SCTLR_EL1, s.sctlrEl1 | 1 << 15 | 1 << 9 | 1 << 14 | 1 << 26);
            s.write(CNTKCTL_EL1, 0x3);
            s.write(key(3, 3, 9, 14, 0), 1); // PMUSERENR_EL0.EN
            cpu.setMode(0, false);
            assertEquals(0x8444c004L, s.read(SysRegs.CTR_EL0));
            s.write(SysRegs.DAIF, 0x3c0);
            assertEquals(62_500_000L, s.read(SysRegs.CNTFRQ_EL0));
            s.read(SysRegs.CNTVCT_EL0);
            assertEquals(0x4101_0000L, s.read(PMCR_EL0)); // N = 0: no event counters
            assertEquals(4, s.read(SysRegs.DCZID_EL0));
            s.sysOp(key(1, 3, 7, 4, 1), RAM + 0x40); // DC ZVA allowed now
            s.sysOp(key(1, 3, 7, 11, 1), RAM);       // DC CVAU allowed now
            // CNTV_* still need EL0VTEN.
            assertEquals(Esr.EC_SYSREG, expectFault(() -> s.read(key(3, 3, 14, 3, 1))).ec);
        }
    }

    /**
     * EL0 accesses with QEMU 7.2's reset SCTLR_EL1/CNTKCTL_EL1/PMUSERENR_EL0, run there from EL0t: the ESR_EL1
     * values are what QEMU printed (EC 0x18 with Op0/Op2/Op1/CRn/Rt/CRm/direction, EC 0x07, EC 0x00).
     */
    @Test
    void el0TrapSyndromesMatchQemu() {
        try (TestMachine m = new TestMachine(CpuModel.CORTEX_A57)) {
            Cpu cpu = m.cpu;
            SysRegs s = cpu.sys;
            Object[][] cases = {
                {0xd53b0025, (Runnable) () -> s.read(SysRegs.CTR_EL0), 0x6232c0a1L},
                {0xd50b7421, (Runnable) () -> s.sysOp(key(1, 3, 7, 4, 1), RAM), 0x6212dc28L},
                {0xd53be047, (Runnable) () -> s.read(SysRegs.CNTVCT_EL0), 0x6234f8e1L},
                {0xd51b4222, (Runnable) () -> s.write(SysRegs.DAIF, 0), 0x6232d044L},
                {0xd53be009, (Runnable) () -> s.read(SysRegs.CNTFRQ_EL0), 0x6230f921L},
                {0xd50b7b21, (Runnable) () -> s.sysOp(key(1, 3, 7, 11, 1), RAM), 0x6212dc36L},
                {0xd50b7521, (Runnable) () -> s.sysOp(key(1, 3, 7, 5, 1), RAM), 0x6212dc2aL},
                {0xd53b9c04, (Runnable) () -> s.read(PMCR_EL0), 0x6230e499L},
                {0xd51be328, (Runnable) () -> s.write(key(3, 3, 14, 3, 1), 0), 0x6232f906L},
                {0x9e6703e0, (Runnable) () -> FpAccess.check(cpu), 0x1fe00000L},   // fmov d0, xzr
                {0xd5381003, (Runnable) () -> s.read(SysRegs.SCTLR_EL1), 0x02000000L}, // mrs x3, sctlr_el1
                {0xd508751f, (Runnable) () -> s.sysOp(key(1, 0, 7, 5, 0), 0), 0x02000000L}, // ic iallu
            };
            for (Object[] c : cases) {
                m.placeInsn(RAM + 0x100, (int) c[0]);
                cpu.setMode(0, false);
                Exceptions.takeSync(cpu, expectFault((Runnable) c[1]));
                assertEquals((long) c[2], s.esrEl1, String.format("%08x", (int) c[0]));
                assertEquals(RAM + 0x100, s.elrEl1);
            }
        }
    }

    @Test
    void unknownAndEl2OnlyRegistersAreUndefined() {
        try (TestMachine m = new TestMachine(CpuModel.CORTEX_A57)) {
            SysRegs s = m.cpu.sys;
            assertEquals(Esr.EC_UNKNOWN, expectFault(() -> s.read(key(3, 0, 15, 0, 0))).ec);
            assertEquals(Esr.EC_UNKNOWN, expectFault(() -> s.read(HCR_EL2)).ec);    // no EL2 in the model
            assertEquals(Esr.EC_UNKNOWN, expectFault(() -> s.read(SP_EL1)).ec);     // EL2+ only
            assertEquals(Esr.EC_UNKNOWN, expectFault(() -> s.write(ID_AA64PFR0, 0)).ec);
            assertEquals(Esr.EC_UNKNOWN, expectFault(() -> s.read(key(2, 0, 1, 0, 4))).ec); // OSLAR is write-only
            assertEquals(Esr.EC_UNKNOWN, expectFault(() -> s.sysOp(key(1, 0, 7, 12, 1), 0)).ec);
            m.cpu.setMode(1, false);
            assertEquals(Esr.EC_UNKNOWN, expectFault(() -> s.read(SysRegs.SP_EL0)).ec); // SP_EL0 in use
        }
    }

    @Test
    void el2RegistersAndVirtualizedIdentification() {
        try (TestMachine m = new TestMachine(CpuModel.CORTEX_A57.withEl2(true), 3)) {
            Cpu cpu = m.cpu;
            SysRegs s = cpu.sys;
            cpu.setMode(2, true);
            assertEquals(0x8000_0003L, s.read(SysRegs.MPIDR_EL1));
            assertEquals(0x411fd070L, s.read(VPIDR_EL2));
            s.write(VPIDR_EL2, 0x410fd034L);
            s.write(SP_EL1, 0x1234);
            s.write(HCR_EL2, 1L << 31);
            assertEquals(1L << 31, s.read(HCR_EL2));
            assertEquals(3, s.read(key(3, 4, 14, 1, 0))); // CNTHCTL_EL2 reset as in QEMU
            cpu.setMode(1, true);
            assertEquals(0x410fd034L, s.read(SysRegs.MIDR_EL1));
            assertEquals(0x1234, cpu.r[Cpu.SP]);
            assertEquals(Esr.EC_UNKNOWN, expectFault(() -> s.read(HCR_EL2)).ec);
            // CNTHCTL_EL2.EL1PCTEN=0 traps EL1 physical counter reads to EL2.
            cpu.setMode(2, true);
            s.write(key(3, 4, 14, 1, 0), 0);
            cpu.setMode(1, true);
            SyncException e = expectFault(() -> s.read(SysRegs.CNTPCT_EL0));
            assertEquals(Esr.EC_SYSREG, e.ec);
            assertEquals(2, e.targetEl);
        }
    }

    @Test
    void fpAccessTrapsFollowCpacr() {
        try (TestMachine m = new TestMachine(CpuModel.CORTEX_A57)) {
            SysRegs s = m.cpu.sys;
            SyncException e = expectFault(() -> s.read(SysRegs.FPCR));
            assertEquals(Esr.EC_FP_ACCESS, e.ec);
            assertEquals(0x1e0_0000, e.iss);
            s.write(SysRegs.CPACR_EL1, 1L << 20); // EL1 only
            s.write(SysRegs.FPCR, 1L << 24);
            assertEquals(1L << 24, s.read(SysRegs.FPCR));
            m.cpu.setMode(0, false);
            assertEquals(Esr.EC_FP_ACCESS, expectFault(s::checkFpAccess).ec);
            m.cpu.setMode(1, true);
            s.write(SysRegs.CPACR_EL1, 3L << 20);
            m.cpu.setMode(0, false);
            s.checkFpAccess();
        }
    }

    @Test
    void fpcrKeepsOnlyImplementedControls() {
        try (TestMachine m = new TestMachine(CpuModel.CORTEX_A57)) {
            SysRegs s = m.cpu.sys;
            s.write(SysRegs.CPACR_EL1, 3L << 20);
            // Found by tools/difftest --class fp: qemu-aarch64 -cpu cortex-a57 reads 0x2313f800 back as 0x03130000
            // (FZ16 and the trap enables IDE/IXE/UFE/OFE/DZE/IOE are RAZ/WI; Stride and Len stay).
            s.write(SysRegs.FPCR, 0x2313_f800L);
            assertEquals(0x0313_0000L, s.read(SysRegs.FPCR));
            s.write(SysRegs.FPCR, 0xffff_ffffL);
            assertEquals(0x07f7_0000L, s.read(SysRegs.FPCR));
        }
    }

    @Test
    void wfiAndWfeTraps() {
        try (TestMachine m = new TestMachine(CpuModel.CORTEX_A57.withEl2(true))) {
            Cpu cpu = m.cpu;
            cpu.setMode(1, true);
            cpu.sys.checkWfxTrap(false); // EL1 without HCR_EL2.TWI: no trap
            cpu.sys.hcrEl2 = 1L << 13;   // TWI
            SyncException e = expectFault(() -> cpu.sys.checkWfxTrap(false));
            assertEquals(Esr.EC_WFX, e.ec);
            assertEquals(2, e.targetEl);
            cpu.sys.hcrEl2 = 0;
            cpu.sys.sctlrEl1 &= ~(1L << 18); // nTWE=0: EL0 WFE traps to EL1
            cpu.setMode(0, false);
            e = expectFault(() -> cpu.sys.checkWfxTrap(true));
            assertEquals(1 << 24 | 0xe << 20 | 1, e.iss);
            cpu.sys.checkWfxTrap(false); // nTWI=1 (QEMU's reset value)
        }
    }

    @Test
    void gicSystemRegisterInterfaceShowsInIdRegisters() {
        try (TestMachine m = new TestMachine(CpuModel.CORTEX_A57)) {
            m.cpu.sys.setGicSystemRegisters(true);
            assertEquals(0x0100_0022L, m.cpu.sys.read(ID_AA64PFR0));
            assertEquals(0x1001_0001L, m.cpu.sys.read(key(3, 0, 0, 1, 1)));
            int iccPmr = key(3, 0, 4, 6, 0);
            long[] pmr = {0};
            m.cpu.sys.install(new SysReg("ICC_PMR_EL1", iccPmr, false, SysRegAccess.EL1, c -> pmr[0],
                    (c, v) -> pmr[0] = v & 0xff));
            m.cpu.sys.write(iccPmr, 0x1f0);
            assertEquals(0xf0, m.cpu.sys.read(iccPmr));
        }
    }

    @Test
    void interruptStatusAndOsLock() {
        try (TestMachine m = new TestMachine(CpuModel.CORTEX_A57)) {
            SysRegs s = m.cpu.sys;
            m.cpu.irqLine = true;
            assertEquals(0x80, s.read(key(3, 0, 12, 1, 0)));
            s.write(key(2, 0, 1, 0, 4), 0); // OSLAR_EL1: unlock
            assertEquals(0x8, s.read(key(2, 0, 1, 1, 4)));
            s.write(key(2, 0, 0, 5, 4), 0xffff_0000_1234L); // DBGBVR5_EL1 is stored
            assertEquals(0xffff_0000_1234L, s.read(key(2, 0, 0, 5, 4)));
            assertEquals(Esr.EC_UNKNOWN, expectFault(() -> s.read(key(2, 0, 0, 6, 4))).ec); // only 6 breakpoints
        }
    }

    @Test
    void resetRestoresResetValues() {
        try (TestMachine m = new TestMachine(CpuModel.CORTEX_A57)) {
            SysRegs s = m.cpu.sys;
            s.write(SysRegs.SCTLR_EL1, 0x30d0_1805L);
            s.write(key(3, 0, 13, 0, 1), 7);       // CONTEXTIDR_EL1 (storage)
            s.write(key(2, 0, 1, 0, 4), 0);        // OS unlock
            s.write(key(3, 3, 14, 3, 1), 1);       // CNTV_CTL_EL0
            s.reset();
            assertEquals(0x00c50838L, s.read(SysRegs.SCTLR_EL1));
            assertEquals(0, s.read(key(3, 0, 13, 0, 1)));
            assertEquals(0xa, s.read(key(2, 0, 1, 1, 4)));
            assertEquals(0, s.read(key(3, 3, 14, 3, 1)));
        }
    }

    @Test
    void registryHasUniqueNamesAndKeys() {
        Set<String> names = new HashSet<>();
        Set<Integer> keys = new HashSet<>();
        for (SysReg r : SysRegs.registers()) {
            assertTrue(names.add(r.name()), r.name());
            assertTrue(keys.add(r.key()), r.name());
        }
        assertTrue(names.contains("TTBR1_EL1"));
        assertFalse(names.contains(""));
        try (TestMachine m = new TestMachine(CpuModel.CORTEX_A57)) {
            assertTrue(m.cpu.sys.available().stream().noneMatch(SysReg::needsEl2));
            assertTrue(m.cpu.sys.available().stream().anyMatch(r -> r.name().equals("SCTLR_EL1")));
        }
    }
}
