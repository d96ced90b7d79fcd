package dev.armature.arch.aarch64;

import static dev.armature.arch.aarch64.SysRegAccess.CNTFRQ;
import static dev.armature.arch.aarch64.SysRegAccess.CNTP;
import static dev.armature.arch.aarch64.SysRegAccess.CNTPCT;
import static dev.armature.arch.aarch64.SysRegAccess.CNTV;
import static dev.armature.arch.aarch64.SysRegAccess.CNTVCT;
import static dev.armature.arch.aarch64.SysRegAccess.DCC;
import static dev.armature.arch.aarch64.SysRegAccess.EL0;
import static dev.armature.arch.aarch64.SysRegAccess.EL0_READ;
import static dev.armature.arch.aarch64.SysRegAccess.EL1;
import static dev.armature.arch.aarch64.SysRegAccess.EL2;
import static dev.armature.arch.aarch64.SysRegAccess.FP;
import static dev.armature.arch.aarch64.SysRegAccess.PMU;
import static dev.armature.arch.aarch64.SysRegAccess.PMU_CR;
import static dev.armature.arch.aarch64.SysRegAccess.PMU_ER;
import static dev.armature.arch.aarch64.SysRegAccess.PMU_SW;
import static dev.armature.arch.aarch64.SysRegAccess.SP_EL0;
import static dev.armature.arch.aarch64.SysRegAccess.UCT;
import static dev.armature.arch.aarch64.SysRegAccess.UMA;
import static dev.armature.arch.aarch64.SysRegs.key;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The system registers Armature implements for EL0, EL1 and EL2, as descriptors looked up by key. Anything not
 * here is UNDEFINED, except the unallocated encodings of the ID register space (op0=3, op1=0, CRn=0, CRm=1..7),
 * which the architecture defines as RAZ at EL1.
 *
 * <p>Not modelled beyond storage: the debug registers (breakpoints and watchpoints are stored, never match), the
 * PMU (PMCR_EL0.N = 0 event counters; the cycle counter does not count), ACTLR/AFSR/AMAIR (IMPLEMENTATION
 * DEFINED, stored), the AArch32 EL1 banked registers visible at EL2.
 */
final class SysRegTable {
    private static final SysReg[] TABLE = new SysReg[1 << 16];
    private static final List<SysReg> ALL = new ArrayList<>();
    private static final List<long[]> STORAGE_RESETS = new ArrayList<>(); // {reset}
    private static final List<Integer> STORAGE_KEYS = new ArrayList<>(); // by slot

    /** ID registers of HCR_EL2.TID3's group 3 (the feature registers). */
    private static final SysReg.Access ID3 = SysRegAccess.hcr(EL1, SysRegAccess.HCR_TID3, 0);
    /** Cache identification (HCR_EL2.TID2). */
    private static final SysReg.Access ID2 = SysRegAccess.hcr(EL1, SysRegAccess.HCR_TID2, SysRegAccess.HCR_TID2);
    /** REVIDR_EL1, AIDR_EL1 (HCR_EL2.TID1). */
    private static final SysReg.Access ID1 = SysRegAccess.hcr(EL1, SysRegAccess.HCR_TID1, 0);
    /** The virtual memory controls: reads trap with HCR_EL2.TRVM, writes with TVM. */
    private static final SysReg.Access VM_CONTROL = SysRegAccess.hcr(EL1, SysRegAccess.HCR_TRVM, SysRegAccess.HCR_TVM);

    private SysRegTable() {
    }

    static SysReg lookup(int key) {
        return TABLE[key & 0xffff];
    }

    static List<SysReg> all() {
        return Collections.unmodifiableList(ALL);
    }

    static long[] newStorage() {
        long[] s = new long[STORAGE_RESETS.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = STORAGE_RESETS.get(i)[0];
        }
        return s;
    }

    /** The key of the storage register in each slot of {@link #newStorage()}. */
    static int storageKey(int slot) {
        return STORAGE_KEYS.get(slot);
    }

    private static void def(String name, int key, boolean needsEl2, SysReg.Access access, SysReg.Reader reader,
            SysReg.Writer writer) {
        if (TABLE[key] != null) {
            throw new IllegalStateException("duplicate system register key for " + name + " and " + TABLE[key]);
        }
        SysReg r = new SysReg(name, key, needsEl2, access, reader, writer);
        TABLE[key] = r;
        ALL.add(r);
    }

    private static void def(String name, int key, SysReg.Access access, SysReg.Reader reader, SysReg.Writer w) {
        def(name, key, false, access, reader, w);
    }

    /** A register that only holds what is written (under {@code mask}). */
    private static void storage(String name, int key, boolean needsEl2, SysReg.Access access, long reset,
            long mask) {
        int slot = STORAGE_RESETS.size();
        STORAGE_RESETS.add(new long[] {reset});
        STORAGE_KEYS.add(key);
        def(name, key, needsEl2, access, c -> c.sys.storage[slot], (c, v) -> c.sys.storage[slot] = v & mask);
    }

    /** A read-only identification register. */
    private static void id(String name, int key, ToLongFunction<IdRegisters> value) {
        def(name, key, ID3, c -> value.applyAsLong(c.sys.id), null);
    }

    private static void el2(String name, int key, SysReg.Reader reader, SysReg.Writer writer) {
        def(name, key, true, EL2, reader, writer);
    }

    static {
        defineSpecial();
        defineIdentification();
        defineMemorySystem();
        defineExceptionState();
        defineTimer();
        definePmu();
        defineDebug();
        defineEl2();
        // The rest of the ID register space is reserved for future ID registers and reads as zero.
        for (int crm = 1; crm <= 7; crm++) {
            for (int op2 = 0; op2 < 8; op2++) {
                int k = key(3, 0, 0, crm, op2);
                if (TABLE[k] == null) {
                    def(String.format("S3_0_C0_C%d_%d", crm, op2), k, ID3, c -> 0, null);
                }
            }
        }
    }

    private static void defineSpecial() {
        def("NZCV", SysRegs.NZCV, EL0, c -> c.nzcv() & 0xf000_0000L, (c, v) -> c.setNzcv((int) v));
        def("DAIF", SysRegs.DAIF, UMA, c -> c.daif, (c, v) -> {
            c.daif = (int) (v & 0x3c0);
            c.updateInterrupts();
        });
        def("CurrentEL", SysRegs.CURRENT_EL, EL1, c -> (long) c.el << 2, null);
        def("SPSel", SysRegs.SPSEL, EL1, c -> c.spSel ? 1 : 0, (c, v) -> c.setMode(c.el, (v & 1) != 0));
        // FPCR keeps AHP, DN, FZ, RMode and the AArch32 Stride/Len; FZ16 (no FEAT_FP16) and the exception trap
        // enables (trapping is not implemented, as on cortex-a57) are RAZ/WI.
        def("FPCR", SysRegs.FPCR, FP, c -> c.fpcr & 0xffff_ffffL, (c, v) -> c.fpcr = (int) v & 0x07f7_0000);
        def("FPSR", SysRegs.FPSR, FP, c -> c.fpsr & 0xffff_ffffL, (c, v) -> c.fpsr = (int) v & 0xf800_009f);
        def("TPIDR_EL0", SysRegs.TPIDR_EL0, EL0, c -> c.sys.tpidrEl0, (c, v) -> c.sys.tpidrEl0 = v);
        def("TPIDRRO_EL0", SysRegs.TPIDRRO_EL0, EL0_READ, c -> c.sys.tpidrroEl0, (c, v) -> c.sys.tpidrroEl0 = v);
        def("TPIDR_EL1", SysRegs.TPIDR_EL1, EL1, c -> c.sys.tpidrEl1, (c, v) -> c.sys.tpidrEl1 = v);
        def("SP_EL0", SysRegs.SP_EL0, SP_EL0, c -> c.spOf(0), (c, v) -> c.setSpOf(0, v));
        def("SP_EL1", key(3, 4, 4, 1, 0), true, EL2, c -> c.spOf(1), (c, v) -> c.setSpOf(1, v));
        def("ISR_EL1", key(3, 0, 12, 1, 0), EL1, SysRegTable::isr, null);
    }

    /**
     * ISR_EL1: I, F, A pending. Read at EL1 with HCR_EL2.IMO/FMO/AMO set, each shows the virtual interrupt
     * (HCR_EL2.VI/VF/VSE) instead of the physical one.
     */
    private static long isr(Cpu c) {
        long hcr = c.el < 2 && c.model.has(Feature.EL2) ? c.sys.hcrEl2 : 0;
        boolean irq = (hcr & 0x10) != 0 ? c.virtualIrq() : c.irqLine;
        boolean fiq = (hcr & 0x08) != 0 ? (hcr & 0x40) != 0 : c.fiqLine;
        boolean serror = (hcr & 0x20) != 0 && (hcr & 0x100) != 0;
        return (irq ? 0x80 : 0) | (fiq ? 0x40 : 0) | (serror ? 0x100 : 0);
    }

    private static void defineIdentification() {
        // With EL2, EL1 reads of MIDR/MPIDR return the virtualized values VPIDR_EL2/VMPIDR_EL2.
        def("MIDR_EL1", SysRegs.MIDR_EL1, EL1, c -> c.el < 2 && c.model.has(Feature.EL2) ? c.sys.vpidrEl2
                : c.sys.id.midr, null);
        def("MPIDR_EL1", SysRegs.MPIDR_EL1, EL1, c -> c.el < 2 && c.model.has(Feature.EL2) ? c.sys.vmpidrEl2
                : c.sys.mpidr(), null);
        def("REVIDR_EL1", key(3, 0, 0, 0, 6), ID1, c -> c.sys.id.revidr, null);
        def("AIDR_EL1", key(3, 1, 0, 0, 7), ID1, c -> c.sys.id.aidr, null);
        def("CLIDR_EL1", key(3, 1, 0, 0, 1), ID2, c -> c.sys.id.clidr, null);
        def("CCSIDR_EL1", key(3, 1, 0, 0, 0), ID2, c -> c.sys.id.ccsidr(c.sys.csselrEl1), null);
        def("CSSELR_EL1", key(3, 2, 0, 0, 0), ID2, c -> c.sys.csselrEl1, (c, v) -> c.sys.csselrEl1 = v & 0xf);
        def("CTR_EL0", SysRegs.CTR_EL0, SysRegAccess.hcr(UCT, SysRegAccess.HCR_TID2, 0), c -> c.sys.id.ctr, null);
        def("DCZID_EL0", SysRegs.DCZID_EL0, EL0, c -> c.sys.dczid(), null);

        id("ID_PFR0_EL1", key(3, 0, 0, 1, 0), i -> i.idPfr0);
        // GIC fields: 1 while a GICv3 CPU interface provides the ICC_* system registers.
        def("ID_PFR1_EL1", key(3, 0, 0, 1, 1), ID3, c -> c.sys.id.idPfr1 | (c.sys.gicSystemRegisters ? 1L << 28 : 0),
                null);
        id("ID_DFR0_EL1", key(3, 0, 0, 1, 2), i -> i.idDfr0);
        id("ID_AFR0_EL1", key(3, 0, 0, 1, 3), i -> i.idAfr0);
        id("ID_MMFR0_EL1", key(3, 0, 0, 1, 4), i -> i.idMmfr0);
        id("ID_MMFR1_EL1", key(3, 0, 0, 1, 5), i -> i.idMmfr1);
        id("ID_MMFR2_EL1", key(3, 0, 0, 1, 6), i -> i.idMmfr2);
        id("ID_MMFR3_EL1", key(3, 0, 0, 1, 7), i -> i.idMmfr3);
        id("ID_ISAR0_EL1", key(3, 0, 0, 2, 0), i -> i.idIsar0);
        id("ID_ISAR1_EL1", key(3, 0, 0, 2, 1), i -> i.idIsar1);
        id("ID_ISAR2_EL1", key(3, 0, 0, 2, 2), i -> i.idIsar2);
        id("ID_ISAR3_EL1", key(3, 0, 0, 2, 3), i -> i.idIsar3);
        id("ID_ISAR4_EL1", key(3, 0, 0, 2, 4), i -> i.idIsar4);
        id("ID_ISAR5_EL1", key(3, 0, 0, 2, 5), i -> i.idIsar5);
        id("MVFR0_EL1", key(3, 0, 0, 3, 0), i -> i.mvfr0);
        id("MVFR1_EL1", key(3, 0, 0, 3, 1), i -> i.mvfr1);
        id("MVFR2_EL1", key(3, 0, 0, 3, 2), i -> i.mvfr2);
        def("ID_AA64PFR0_EL1", key(3, 0, 0, 4, 0), ID3,
                c -> c.sys.id.idAa64pfr0 | (c.sys.gicSystemRegisters ? 1L << 24 : 0), null);
        id("ID_AA64PFR1_EL1", key(3, 0, 0, 4, 1), i -> i.idAa64pfr1);
        id("ID_AA64ZFR0_EL1", key(3, 0, 0, 4, 4), i -> i.idAa64zfr0);
        id("ID_AA64DFR0_EL1", key(3, 0, 0, 5, 0), i -> i.idAa64dfr0);
        id("ID_AA64DFR1_EL1", key(3, 0, 0, 5, 1), i -> i.idAa64dfr1);
        id("ID_AA64AFR0_EL1", key(3, 0, 0, 5, 4), i -> i.idAa64afr0);
        id("ID_AA64AFR1_EL1", key(3, 0, 0, 5, 5), i -> i.idAa64afr1);
        id("ID_AA64ISAR0_EL1", key(3, 0, 0, 6, 0), i -> i.idAa64isar0);
        id("ID_AA64ISAR1_EL1", key(3, 0, 0, 6, 1), i -> i.idAa64isar1);
        id("ID_AA64MMFR0_EL1", key(3, 0, 0, 7, 0), i -> i.idAa64mmfr0);
        id("ID_AA64MMFR1_EL1", key(3, 0, 0, 7, 1), i -> i.idAa64mmfr1);
        id("ID_AA64MMFR2_EL1", key(3, 0, 0, 7, 2), i -> i.idAa64mmfr2);
    }

    private static void defineMemorySystem() {
        def("SCTLR_EL1", SysRegs.SCTLR_EL1, VM_CONTROL, c -> c.sys.sctlrEl1, (c, v) -> c.sys.setSctlrEl1(v));
        def("TCR_EL1", SysRegs.TCR_EL1, VM_CONTROL, c -> c.sys.tcrEl1, (c, v) -> c.sys.setTcrEl1(v));
        def("TTBR0_EL1", SysRegs.TTBR0_EL1, VM_CONTROL, c -> c.sys.ttbr0El1, (c, v) -> c.sys.setTtbrEl1(0, v));
        def("TTBR1_EL1", SysRegs.TTBR1_EL1, VM_CONTROL, c -> c.sys.ttbr1El1, (c, v) -> c.sys.setTtbrEl1(1, v));
        def("MAIR_EL1", SysRegs.MAIR_EL1, VM_CONTROL, c -> c.sys.mairEl1, (c, v) -> c.sys.setMairEl1(v));
        def("PAR_EL1", key(3, 0, 7, 4, 0), EL1, c -> c.sys.parEl1, (c, v) -> c.sys.parEl1 = v);
        storage("AMAIR_EL1", key(3, 0, 10, 3, 0), false, VM_CONTROL, 0, -1L);
        storage("ACTLR_EL1", key(3, 0, 1, 0, 1), false,
                SysRegAccess.hcr(EL1, SysRegAccess.HCR_TACR, SysRegAccess.HCR_TACR), 0, -1L);
        storage("CONTEXTIDR_EL1", key(3, 0, 13, 0, 1), false, VM_CONTROL, 0, 0xffff_ffffL);
        // CPTR_EL2.TCPAC traps EL1's CPACR_EL1 accesses to EL2.
        SysReg.Access cpacr = (c, k, read) -> {
            EL1.check(c, k, read);
            if (c.el == 1 && (c.sys.cptrEl2 & 1L << 31) != 0 && c.model.has(Feature.EL2)) {
                throw SysRegAccess.trap(c, k, read, 2);
            }
        };
        def("CPACR_EL1", SysRegs.CPACR_EL1, cpacr, c -> c.sys.cpacrEl1, (c, v) -> c.sys.cpacrEl1 = v & 0x0030_0000L);
    }

    private static void defineExceptionState() {
        def("VBAR_EL1", SysRegs.VBAR_EL1, EL1, c -> c.sys.vbarEl1, (c, v) -> c.sys.vbarEl1 = v & ~0x7ffL);
        def("ESR_EL1", SysRegs.ESR_EL1, VM_CONTROL, c -> c.sys.esrEl1, (c, v) -> c.sys.esrEl1 = v & 0xffff_ffffL);
        def("FAR_EL1", SysRegs.FAR_EL1, VM_CONTROL, c -> c.sys.farEl1, (c, v) -> c.sys.farEl1 = v);
        def("ELR_EL1", SysRegs.ELR_EL1, EL1, c -> c.sys.elrEl1, (c, v) -> c.sys.elrEl1 = v);
        def("SPSR_EL1", SysRegs.SPSR_EL1, EL1, c -> c.sys.spsrEl1, (c, v) -> c.sys.spsrEl1 = v & 0xf03f_ffffL);
        storage("AFSR0_EL1", key(3, 0, 5, 1, 0), false, VM_CONTROL, 0, 0xffff_ffffL);
        storage("AFSR1_EL1", key(3, 0, 5, 1, 1), false, VM_CONTROL, 0, 0xffff_ffffL);
    }

    private static void defineTimer() {
        def("CNTFRQ_EL0", SysRegs.CNTFRQ_EL0, CNTFRQ, c -> c.sys.cntfrq, (c, v) -> c.sys.cntfrq = v & 0xffff_ffffL);
        def("CNTPCT_EL0", SysRegs.CNTPCT_EL0, CNTPCT, c -> c.sys.timer.physicalCount(), null);
        def("CNTVCT_EL0", SysRegs.CNTVCT_EL0, CNTVCT, c -> c.sys.timer.virtualCount(), null);
        def("CNTKCTL_EL1", key(3, 0, 14, 1, 0), EL1, c -> c.sys.timer.cntkctl,
                (c, v) -> c.sys.timer.cntkctl = v & 0x3ff);
        def("CNTP_TVAL_EL0", key(3, 3, 14, 2, 0), CNTP, c -> c.sys.timer.physical.tval(),
                (c, v) -> c.sys.timer.physical.setTval(v));
        def("CNTP_CTL_EL0", key(3, 3, 14, 2, 1), CNTP, c -> c.sys.timer.physical.ctl(),
                (c, v) -> c.sys.timer.physical.setCtl(v));
        def("CNTP_CVAL_EL0", key(3, 3, 14, 2, 2), CNTP, c -> c.sys.timer.physical.cval(),
                (c, v) -> c.sys.timer.physical.setCval(v));
        def("CNTV_TVAL_EL0", key(3, 3, 14, 3, 0), CNTV, c -> c.sys.timer.virtual.tval(),
                (c, v) -> c.sys.timer.virtual.setTval(v));
        def("CNTV_CTL_EL0", key(3, 3, 14, 3, 1), CNTV, c -> c.sys.timer.virtual.ctl(),
                (c, v) -> c.sys.timer.virtual.setCtl(v));
        def("CNTV_CVAL_EL0", key(3, 3, 14, 3, 2), CNTV, c -> c.sys.timer.virtual.cval(),
                (c, v) -> c.sys.timer.virtual.setCval(v));
    }

    private static void definePmu() {
        // PMCR_EL0: IMP=0x41, IDCODE=0x01, N=0 (no event counters modelled). E, D, X, DP, LC are stored;
        // P and C (reset counters) act on write only.
        def("PMCR_EL0", key(3, 3, 9, 12, 0), PMU, c -> 0x4101_0000L | c.sys.pmcr, (c, v) -> {
            c.sys.pmcr = v & 0x79;
            if ((v & 4) != 0) {
                c.sys.pmccntr = 0;
            }
        });
        SysReg.Reader cnten = c -> c.sys.pmcnten;
        def("PMCNTENSET_EL0", key(3, 3, 9, 12, 1), PMU, cnten, (c, v) -> c.sys.pmcnten |= v & 0x8000_0000L);
        def("PMCNTENCLR_EL0", key(3, 3, 9, 12, 2), PMU, cnten, (c, v) -> c.sys.pmcnten &= ~(v & 0x8000_0000L));
        SysReg.Reader ovs = c -> c.sys.pmovs;
        def("PMOVSCLR_EL0", key(3, 3, 9, 12, 3), PMU, ovs, (c, v) -> c.sys.pmovs &= ~(v & 0x8000_0000L));
        def("PMOVSSET_EL0", key(3, 3, 9, 14, 3), PMU, ovs, (c, v) -> c.sys.pmovs |= v & 0x8000_0000L);
        def("PMSWINC_EL0", key(3, 3, 9, 12, 4), PMU_SW, null, (c, v) -> { }); // no event counters to increment
        def("PMSELR_EL0", key(3, 3, 9, 12, 5), PMU_ER, c -> c.sys.pmselr, (c, v) -> c.sys.pmselr = v & 0x1f);
        def("PMCEID0_EL0", key(3, 3, 9, 12, 6), PMU, c -> 0, null);
        def("PMCEID1_EL0", key(3, 3, 9, 12, 7), PMU, c -> 0, null);
        def("PMCCNTR_EL0", key(3, 3, 9, 13, 0), PMU_CR, c -> c.sys.pmccntr, (c, v) -> c.sys.pmccntr = v);
        // With N=0 only PMSELR.SEL=31 (the cycle counter filter) selects a register; others read as zero.
        def("PMXEVTYPER_EL0", key(3, 3, 9, 13, 1), PMU, c -> c.sys.pmselr == 31 ? c.sys.pmccfiltr : 0,
                (c, v) -> {
                    if (c.sys.pmselr == 31) {
                        c.sys.pmccfiltr = v & 0xfc00_0000L;
                    }
                });
        def("PMXEVCNTR_EL0", key(3, 3, 9, 13, 2), PMU_ER, c -> 0, (c, v) -> { });
        def("PMCCFILTR_EL0", key(3, 3, 14, 15, 7), PMU, c -> c.sys.pmccfiltr,
                (c, v) -> c.sys.pmccfiltr = v & 0xfc00_0000L);
        def("PMUSERENR_EL0", key(3, 3, 9, 14, 0), EL0_READ, c -> c.sys.pmuserenr, (c, v) -> c.sys.pmuserenr = v & 0xf);
        SysReg.Reader inten = c -> c.sys.pminten;
        def("PMINTENSET_EL1", key(3, 0, 9, 14, 1), EL1, inten, (c, v) -> c.sys.pminten |= v & 0x8000_0000L);
        def("PMINTENCLR_EL1", key(3, 0, 9, 14, 2), EL1, inten, (c, v) -> c.sys.pminten &= ~(v & 0x8000_0000L));
    }

    private static void defineDebug() {
        def("MDSCR_EL1", key(2, 0, 0, 2, 2), EL1, c -> c.sys.mdscrEl1, (c, v) -> c.sys.mdscrEl1 = v & 0xffff_ffffL);
        storage("MDCCINT_EL1", key(2, 0, 0, 2, 0), false, EL1, 0, 0x6000_0000L);
        def("MDCCSR_EL0", key(2, 3, 0, 1, 0), DCC, c -> 0, null);
        storage("OSDTRRX_EL1", key(2, 0, 0, 0, 2), false, EL1, 0, 0xffff_ffffL);
        storage("OSDTRTX_EL1", key(2, 0, 0, 3, 2), false, EL1, 0, 0xffff_ffffL);
        storage("OSECCR_EL1", key(2, 0, 0, 6, 2), false, EL1, 0, 0xffff_ffffL);
        def("MDRAR_EL1", key(2, 0, 1, 0, 0), EL1, c -> 0, null);
        // OS lock: locked at reset; OSLSR_EL1.OSLM = 0b10 (OS lock implemented), OSLK mirrors OSLAR_EL1.
        def("OSLAR_EL1", key(2, 0, 1, 0, 4), EL1, null, (c, v) -> c.sys.osLock = (v & 1) != 0);
        def("OSLSR_EL1", key(2, 0, 1, 1, 4), EL1, c -> 8 | (c.sys.osLock ? 2 : 0), null);
        storage("OSDLR_EL1", key(2, 0, 1, 3, 4), false, EL1, 0, 1);
        storage("DBGPRCR_EL1", key(2, 0, 1, 4, 4), false, EL1, 0, 1);
        def("DBGCLAIMSET_EL1", key(2, 0, 7, 8, 6), EL1, c -> 0xff, (c, v) -> c.sys.claim |= v & 0xff);
        def("DBGCLAIMCLR_EL1", key(2, 0, 7, 9, 6), EL1, c -> c.sys.claim, (c, v) -> c.sys.claim &= ~(v & 0xff));
        def("DBGAUTHSTATUS_EL1", key(2, 0, 7, 14, 6), EL1, c -> 0xaa, null); // non-secure debug implemented, enabled
        // Breakpoint and watchpoint registers: storage only, they never match. Counts per ID_AA64DFR0_EL1.
        for (int n = 0; n < 6; n++) {
            storage("DBGBVR" + n + "_EL1", key(2, 0, 0, n, 4), false, EL1, 0, -4L);
            storage("DBGBCR" + n + "_EL1", key(2, 0, 0, n, 5), false, EL1, 0, 0x00ff_e1e7L);
        }
        for (int n = 0; n < 4; n++) {
            storage("DBGWVR" + n + "_EL1", key(2, 0, 0, n, 6), false, EL1, 0, -4L);
            storage("DBGWCR" + n + "_EL1", key(2, 0, 0, n, 7), false, EL1, 0, 0x1f1f_ffffL);
        }
    }

    private static void defineEl2() {
        el2("HCR_EL2", key(3, 4, 1, 1, 0), c -> c.sys.hcrEl2, (c, v) -> c.sys.setHcrEl2(v));
        el2("VTTBR_EL2", key(3, 4, 2, 1, 0), c -> c.sys.vttbrEl2, (c, v) -> c.sys.setVttbrEl2(v));
        el2("VTCR_EL2", key(3, 4, 2, 1, 2), c -> c.sys.vtcrEl2, (c, v) -> c.sys.setVtcrEl2(v));
        el2("HPFAR_EL2", key(3, 4, 6, 0, 4), c -> c.sys.hpfarEl2, (c, v) -> c.sys.hpfarEl2 = v & 0xf_ffff_fff0L);
        el2("SCTLR_EL2", key(3, 4, 1, 0, 0), c -> c.sys.sctlrEl2, (c, v) -> c.sys.setSctlrEl2(v));
        el2("TCR_EL2", key(3, 4, 2, 0, 2), c -> c.sys.tcrEl2, (c, v) -> c.sys.setTcrEl2(v));
        el2("TTBR0_EL2", key(3, 4, 2, 0, 0), c -> c.sys.ttbr0El2, (c, v) -> c.sys.setTtbr0El2(v));
        el2("MAIR_EL2", key(3, 4, 10, 2, 0), c -> c.sys.mairEl2, (c, v) -> c.sys.setMairEl2(v));
        el2("VBAR_EL2", key(3, 4, 12, 0, 0), c -> c.sys.vbarEl2, (c, v) -> c.sys.vbarEl2 = v & ~0x7ffL);
        el2("ESR_EL2", key(3, 4, 5, 2, 0), c -> c.sys.esrEl2, (c, v) -> c.sys.esrEl2 = v & 0xffff_ffffL);
        el2("FAR_EL2", key(3, 4, 6, 0, 0), c -> c.sys.farEl2, (c, v) -> c.sys.farEl2 = v);
        el2("ELR_EL2", key(3, 4, 4, 0, 1), c -> c.sys.elrEl2, (c, v) -> c.sys.elrEl2 = v);
        el2("SPSR_EL2", key(3, 4, 4, 0, 0), c -> c.sys.spsrEl2, (c, v) -> c.sys.spsrEl2 = v & 0xf03f_ffffL);
        el2("CPTR_EL2", key(3, 4, 1, 1, 2), c -> c.sys.cptrEl2, (c, v) -> c.sys.cptrEl2 = v & 0x8010_0400L | 0x33ff);
        el2("VPIDR_EL2", key(3, 4, 0, 0, 0), c -> c.sys.vpidrEl2, (c, v) -> c.sys.vpidrEl2 = v & 0xffff_ffffL);
        el2("VMPIDR_EL2", key(3, 4, 0, 0, 5), c -> c.sys.vmpidrEl2,
                (c, v) -> c.sys.vmpidrEl2 = v & 0xff_41ff_ffffL | 0x8000_0000L);
        el2("CNTHCTL_EL2", key(3, 4, 14, 1, 0), c -> c.sys.timer.cnthctl, (c, v) -> c.sys.timer.cnthctl = v & 0xff);
        el2("CNTVOFF_EL2", key(3, 4, 14, 0, 3), c -> c.sys.timer.cntvoff, (c, v) -> {
            c.sys.timer.cntvoff = v;
            c.sys.timer.update();
        });
        el2("CNTHP_TVAL_EL2", key(3, 4, 14, 2, 0), c -> c.sys.timer.hyp.tval(), (c, v) -> c.sys.timer.hyp.setTval(v));
        el2("CNTHP_CTL_EL2", key(3, 4, 14, 2, 1), c -> c.sys.timer.hyp.ctl(), (c, v) -> c.sys.timer.hyp.setCtl(v));
        el2("CNTHP_CVAL_EL2", key(3, 4, 14, 2, 2), c -> c.sys.timer.hyp.cval(),
                (c, v) -> c.sys.timer.hyp.setCval(v));
        storage("TPIDR_EL2", key(3, 4, 13, 0, 2), true, EL2, 0, -1L);
        storage("ACTLR_EL2", key(3, 4, 1, 0, 1), true, EL2, 0, -1L);
        storage("MDCR_EL2", key(3, 4, 1, 1, 1), true, EL2, 0, 0x3ffffL); // HPMN = PMCR_EL0.N = 0
        storage("HSTR_EL2", key(3, 4, 1, 1, 3), true, EL2, 0, 0xffff);
        storage("HACR_EL2", key(3, 4, 1, 1, 7), true, EL2, 0, -1L);
        storage("DACR32_EL2", key(3, 4, 3, 0, 0), true, EL2, 0, 0xffff_ffffL);
        storage("SPSR_irq", key(3, 4, 4, 3, 0), true, EL2, 0, 0xffff_ffffL);
        storage("SPSR_abt", key(3, 4, 4, 3, 1), true, EL2, 0, 0xffff_ffffL);
        storage("SPSR_und", key(3, 4, 4, 3, 2), true, EL2, 0, 0xffff_ffffL);
        storage("SPSR_fiq", key(3, 4, 4, 3, 3), true, EL2, 0, 0xffff_ffffL);
        storage("IFSR32_EL2", key(3, 4, 5, 0, 1), true, EL2, 0, 0xffff_ffffL);
        storage("AFSR0_EL2", key(3, 4, 5, 1, 0), true, EL2, 0, 0xffff_ffffL);
        storage("AFSR1_EL2", key(3, 4, 5, 1, 1), true, EL2, 0, 0xffff_ffffL);
        storage("FPEXC32_EL2", key(3, 4, 5, 3, 0), true, EL2, 0x700, 0xffff_ffffL);
        storage("AMAIR_EL2", key(3, 4, 10, 3, 0), true, EL2, 0, -1L);
    }
}
