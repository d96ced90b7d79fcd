package dev.armature.arch.aarch64;

/**
 * Access rules for system registers and instructions (Arm ARM D13 "configurable traps" for ARMv8.0 without EL3):
 * UNDEFINED below the minimum EL, and EC 0x18 traps where an enable bit (SCTLR_EL1.UCT/UMA/UCI/DZE,
 * CNTKCTL_EL1, PMUSERENR_EL0, CNTHCTL_EL2, MDSCR_EL1.TDCC) gives EL0 or EL1 access.
 */
final class SysRegAccess {
    static final SysReg.Access EL0 = (cpu, key, read) -> { };
    static final SysReg.Access EL1 = (cpu, key, read) -> atLeast(cpu, 1);
    static final SysReg.Access EL2 = (cpu, key, read) -> atLeast(cpu, 2);
    /** Readable at EL0, writable from EL1 (TPIDRRO_EL0, PMUSERENR_EL0). */
    static final SysReg.Access EL0_READ = (cpu, key, read) -> {
        if (!read) {
            atLeast(cpu, 1);
        }
    };
    /** DAIF at EL0: SCTLR_EL1.UMA. */
    static final SysReg.Access UMA = sctlrBit(9);
    /** CTR_EL0 at EL0: SCTLR_EL1.UCT. */
    static final SysReg.Access UCT = sctlrBit(15);
    /** EL0 cache maintenance by VA (DC CVAU/CVAC/CIVAC, IC IVAU): SCTLR_EL1.UCI. */
    static final SysReg.Access UCI = sctlrBit(26);
    /** DC ZVA at EL0: SCTLR_EL1.DZE. */
    static final SysReg.Access DZE = sctlrBit(14);
    /** FPCR/FPSR: CPACR_EL1.FPEN and CPTR_EL2.TFP, EC 0x07. */
    static final SysReg.Access FP = (cpu, key, read) -> cpu.sys.checkFpAccess();
    /** CNTFRQ_EL0: EL0 needs CNTKCTL_EL1.EL0PCTEN or EL0VCTEN. */
    static final SysReg.Access CNTFRQ = (cpu, key, read) -> {
        if (cpu.el == 0 && (cpu.sys.timer.cntkctl & 3) == 0) {
            throw trap(cpu, key, read, 1);
        }
        if (!read) { // writable only at the highest implemented EL
            atLeast(cpu, cpu.model.has(Feature.EL2) ? 2 : 1);
        }
    };
    /** CNTPCT_EL0: CNTKCTL_EL1.EL0PCTEN at EL0, CNTHCTL_EL2.EL1PCTEN at EL0/EL1 with EL2. */
    static final SysReg.Access CNTPCT = timer(0, 0);
    /** CNTVCT_EL0: CNTKCTL_EL1.EL0VCTEN. */
    static final SysReg.Access CNTVCT = timer(1, -1);
    /** CNTP_*: CNTKCTL_EL1.EL0PTEN, CNTHCTL_EL2.EL1PCEN. */
    static final SysReg.Access CNTP = timer(9, 1);
    /** CNTV_*: CNTKCTL_EL1.EL0VTEN. */
    static final SysReg.Access CNTV = timer(8, -1);
    /** PMU registers at EL0: PMUSERENR_EL0.EN. */
    static final SysReg.Access PMU = pmu(0);
    /** PMSWINC_EL0: PMUSERENR_EL0.EN or SW. */
    static final SysReg.Access PMU_SW = pmu(1 << 1);
    /** PMCCNTR_EL0 reads: PMUSERENR_EL0.EN or CR. */
    static final SysReg.Access PMU_CR = pmu(1 << 2);
    /** Event counter reads and PMSELR_EL0: PMUSERENR_EL0.EN or ER. */
    static final SysReg.Access PMU_ER = pmu(1 << 3);
    /** MDCCSR_EL0: EL0 unless MDSCR_EL1.TDCC. */
    static final SysReg.Access DCC = (cpu, key, read) -> {
        if (cpu.el == 0 && (cpu.sys.mdscrEl1 & (1 << 12)) != 0) {
            throw trap(cpu, key, read, 1);
        }
    };
    /** SP_EL0: EL1+, and UNDEFINED while SP_EL0 is the current stack pointer. */
    static final SysReg.Access SP_EL0 = (cpu, key, read) -> {
        atLeast(cpu, 1);
        if (!cpu.spSel) {
            throw SyncException.undefined(cpu.pc);
        }
    };

    // HCR_EL2 trap controls (EC 0x18 to EL2 from EL1, and from EL0 where the register is EL0-accessible).
    static final long HCR_TID1 = 1L << 16;
    static final long HCR_TID2 = 1L << 17;
    static final long HCR_TID3 = 1L << 18;
    static final long HCR_TIDCP = 1L << 20;
    static final long HCR_TACR = 1L << 21;
    static final long HCR_TSW = 1L << 22;
    static final long HCR_TPC = 1L << 23;
    static final long HCR_TPU = 1L << 24;
    static final long HCR_TTLB = 1L << 25;
    static final long HCR_TVM = 1L << 26;
    static final long HCR_TDZ = 1L << 28;
    static final long HCR_TRVM = 1L << 30;

    private SysRegAccess() {
    }

    /**
     * {@code base}, then the HCR_EL2 trap of the register: reads trap when {@code readBit} is set, writes when
     * {@code writeBit} is (e.g. TRVM/TVM for the virtual memory controls, TID3 for ID registers).
     */
    static SysReg.Access hcr(SysReg.Access base, long readBit, long writeBit) {
        return (cpu, key, read) -> {
            base.check(cpu, key, read);
            hcrTrap(cpu, key, read, read ? readBit : writeBit);
        };
    }

    /** EC 0x18 trap to EL2 of an access below EL2 while any of HCR_EL2's {@code bits} is set. */
    static void hcrTrap(Cpu cpu, int key, boolean read, long bits) {
        if (cpu.el < 2 && (cpu.sys.hcrEl2 & bits) != 0 && cpu.model.has(Feature.EL2)) {
            throw trap(cpu, key, read, 2);
        }
    }

    static void atLeast(Cpu cpu, int el) {
        if (cpu.el < el) {
            throw SyncException.undefined(cpu.pc);
        }
    }

    private static SysReg.Access sctlrBit(int bit) {
        return (cpu, key, read) -> {
            if (cpu.el == 0 && (cpu.sys.sctlrEl1 & (1L << bit)) == 0) {
                throw trap(cpu, key, read, 1);
            }
        };
    }

    private static SysReg.Access timer(int el0Bit, int el2Bit) {
        return (cpu, key, read) -> {
            if (cpu.el == 0 && (cpu.sys.timer.cntkctl & (1L << el0Bit)) == 0) {
                throw trap(cpu, key, read, 1);
            }
            if (el2Bit >= 0 && cpu.el < 2 && cpu.model.has(Feature.EL2)
                    && (cpu.sys.timer.cnthctl & (1L << el2Bit)) == 0) {
                throw trap(cpu, key, read, 2);
            }
        };
    }

    private static SysReg.Access pmu(int alternative) {
        return (cpu, key, read) -> {
            if (cpu.el == 0) {
                long en = cpu.sys.pmuserenr;
                boolean allowed = (en & 1) != 0 || (alternative != 0 && (en & alternative) != 0
                        && (read || alternative == 1 << 1));
                if (!allowed) {
                    throw trap(cpu, key, read, 1);
                }
            }
        };
    }

    /**
     * The EC 0x18 exception for a trapped MRS/MSR/SYS: ISS = Op0, Op2, Op1, CRn, Rt, CRm, Direction (1 = read).
     * Rt comes from the trapping instruction's encoding, re-read at the PC (the accessor signatures carry only
     * the register key); 0 if that word cannot be fetched (only when called without an instruction in memory).
     */
    static SyncException trap(Cpu cpu, int key, boolean read, int targetEl) {
        int rt;
        try {
            rt = cpu.memory.fetch(cpu.pc) & 31;
        } catch (SyncException e) {
            rt = 0;
        }
        int iss = (key >>> 14 & 3) << 20 | (key & 7) << 17 | (key >>> 11 & 7) << 14 | (key >>> 7 & 0xf) << 10
                | rt << 5 | (key >>> 3 & 0xf) << 1 | (read ? 1 : 0);
        return new SyncException(Esr.EC_SYSREG, iss, 0, false, cpu.pc, Math.max(targetEl, cpu.el));
    }
}
