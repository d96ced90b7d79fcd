package dev.armature.arch.aarch64;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * System registers of one vCPU, addressed by their MRS/MSR encoding
 * {@code key = op0<<14 | op1<<11 | CRn<<7 | CRm<<3 | op2}, through the descriptors of {@link SysRegTable} (list
 * them with {@link #registers()}). Reads and writes not permitted at the current EL trap as the architecture
 * says (UNDEFINED, or EC 0x18/0x07 where an enable bit controls access); registers we do not implement are
 * UNDEFINED — never silently zero.
 *
 * <p>Registers the MMU, exception entry or timer use on hot paths are plain fields; writes that change
 * translation drop the affected TLB entries.
 */
public final class SysRegs {
    /** HCR_EL2 bits of ARMv8.0 (E2H and later are RES0: no VHE on cortex-a57). */
    static final long HCR_MASK = (1L << 34) - 1;
    /** HCR_EL2 bits that change the EL1&amp;0 translation regime: VM, PTW, DC, TGE. */
    private static final long HCR_TRANSLATION = 1L | 1L << 2 | 1L << 12 | 1L << 27;
    private static final long VTCR_RES1 = 1L << 31;

    /** CNTFRQ_EL0 reset value (the counter's real rate). */
    public static final long COUNTER_HZ = SystemCounter.FREQUENCY_HZ;

    public static int key(int op0, int op1, int crn, int crm, int op2) {
        return op0 << 14 | op1 << 11 | crn << 7 | crm << 3 | op2;
    }

    public static final int NZCV = key(3, 3, 4, 2, 0);
    public static final int DAIF = key(3, 3, 4, 2, 1);
    public static final int CURRENT_EL = key(3, 0, 4, 2, 2);
    public static final int SPSEL = key(3, 0, 4, 2, 0);
    public static final int FPCR = key(3, 3, 4, 4, 0);
    public static final int FPSR = key(3, 3, 4, 4, 1);
    public static final int TPIDR_EL0 = key(3, 3, 13, 0, 2);
    public static final int TPIDRRO_EL0 = key(3, 3, 13, 0, 3);
    public static final int TPIDR_EL1 = key(3, 0, 13, 0, 4);
    public static final int CNTFRQ_EL0 = key(3, 3, 14, 0, 0);
    public static final int CNTPCT_EL0 = key(3, 3, 14, 0, 1);
    public static final int CNTVCT_EL0 = key(3, 3, 14, 0, 2);
    public static final int CTR_EL0 = key(3, 3, 0, 0, 1);
    public static final int DCZID_EL0 = key(3, 3, 0, 0, 7);
    public static final int MIDR_EL1 = key(3, 0, 0, 0, 0);
    public static final int MPIDR_EL1 = key(3, 0, 0, 0, 5);
    public static final int SCTLR_EL1 = key(3, 0, 1, 0, 0);
    public static final int CPACR_EL1 = key(3, 0, 1, 0, 2);
    public static final int TTBR0_EL1 = key(3, 0, 2, 0, 0);
    public static final int TTBR1_EL1 = key(3, 0, 2, 0, 1);
    public static final int TCR_EL1 = key(3, 0, 2, 0, 2);
    public static final int MAIR_EL1 = key(3, 0, 10, 2, 0);
    public static final int VBAR_EL1 = key(3, 0, 12, 0, 0);
    public static final int ESR_EL1 = key(3, 0, 5, 2, 0);
    public static final int FAR_EL1 = key(3, 0, 6, 0, 0);
    public static final int ELR_EL1 = key(3, 0, 4, 0, 1);
    public static final int SPSR_EL1 = key(3, 0, 4, 0, 0);
    public static final int SP_EL0 = key(3, 0, 4, 1, 0);

    private final Cpu cpu;
    public final IdRegisters id;
    /** Sees every MRS/MSR that passes its access checks, or null. */
    public SysRegObserver observer;
    public final GenericTimer timer = new GenericTimer(new SystemCounter());
    /** Plain storage registers of {@link SysRegTable}. */
    final long[] storage = SysRegTable.newStorage();
    /** Registers other components install for this vCPU (e.g. a GICv3 CPU interface's ICC_*_EL1). */
    private final Map<Integer, SysReg> installed = new HashMap<>();
    /** The board declared a GICv3 system-register CPU interface (reflected in the ID registers' GIC fields). */
    boolean gicSystemRegisters;
    private long affinity;

    // Architectural state; values after reset are set by reset().
    public long sctlrEl1;
    public long tcrEl1;
    public long ttbr0El1;
    public long ttbr1El1;
    public long mairEl1;
    public long parEl1;
    public long cpacrEl1;
    public long vbarEl1;
    public long esrEl1;
    public long farEl1;
    public long elrEl1;
    public long spsrEl1;
    public long tpidrEl0;
    public long tpidrroEl0;
    public long tpidrEl1;
    public long csselrEl1;
    public long cntfrq;
    public long mdscrEl1;
    boolean osLock;
    long claim;
    long pmcr;
    long pmcnten;
    long pmovs;
    long pminten;
    long pmselr;
    long pmccntr;
    long pmccfiltr;
    long pmuserenr;

    // EL2 (present with Feature.EL2).
    public long hcrEl2;
    public long sctlrEl2;
    public long tcrEl2;
    public long ttbr0El2;
    public long mairEl2;
    public long vbarEl2;
    public long esrEl2;
    public long farEl2;
    public long elrEl2;
    public long spsrEl2;
    public long cptrEl2;
    public long vpidrEl2;
    public long vmpidrEl2;
    public long vttbrEl2;
    public long vtcrEl2;
    public long hpfarEl2;

    SysRegs(Cpu cpu) {
        this.cpu = cpu;
        this.id = new IdRegisters(cpu.model);
        this.affinity = cpu.index;
        resetValues();
    }

    /**
     * Warm reset of the system registers (PSCI CPU_ON, SYSTEM_RESET): every register back to its reset value,
     * timers disabled, TLB flushed. The counter source, timer listener and installed registers are kept.
     */
    public void reset() {
        resetValues();
        timer.reset();
        cpu.memory.flushTlb();
        cpu.memory.asidChanged();
    }

    /**
     * Reset values as QEMU 7.2 shows them on virt: SCTLR_EL1 = RES1 bits, nTWI/nTWE, SA/SA0 with MMU and caches
     * off; the OS lock set; EL2 registers zero (so HCR_EL2.RW=0 until software sets it), VPIDR/VMPIDR = the real
     * MIDR/MPIDR. Architecturally UNKNOWN values are zero.
     */
    private void resetValues() {
        System.arraycopy(SysRegTable.newStorage(), 0, storage, 0, storage.length);
        sctlrEl1 = 0x00c5_0838L;
        tcrEl1 = ttbr0El1 = ttbr1El1 = mairEl1 = parEl1 = cpacrEl1 = 0;
        vbarEl1 = esrEl1 = farEl1 = elrEl1 = spsrEl1 = 0;
        tpidrEl0 = tpidrroEl0 = tpidrEl1 = csselrEl1 = mdscrEl1 = 0;
        cntfrq = COUNTER_HZ;
        osLock = true;
        claim = pmcr = pmcnten = pmovs = pminten = pmselr = pmccntr = pmccfiltr = pmuserenr = 0;
        hcrEl2 = sctlrEl2 = tcrEl2 = ttbr0El2 = mairEl2 = vbarEl2 = 0;
        esrEl2 = farEl2 = elrEl2 = spsrEl2 = cptrEl2 = 0;
        vttbrEl2 = hpfarEl2 = 0;
        vtcrEl2 = VTCR_RES1;
        vpidrEl2 = id.midr;
        vmpidrEl2 = mpidr();
    }

    /**
     * Saves every register of {@link SysRegTable} that holds state, and the generic timer. Identification
     * registers, MPIDR (the board's affinity) and the GICv3 ICC_* registers (the GIC's state) are not saved.
     */
    public void saveState(DataOutput out) throws IOException {
        long[] named = namedState();
        out.writeInt(named.length);
        for (long v : named) {
            out.writeLong(v);
        }
        out.writeInt(storage.length);
        for (int slot = 0; slot < storage.length; slot++) {
            out.writeInt(SysRegTable.storageKey(slot));
            out.writeLong(storage[slot]);
        }
        timer.saveState(out);
    }

    /**
     * Reads a {@link #saveState} record without changing this vCPU; the returned action applies it (with the
     * TLB flushed, since translation registers change). Unknown registers are refused.
     */
    public Runnable loadState(DataInput in) throws IOException {
        int n = in.readInt();
        if (n != namedState().length) {
            throw new IOException("system registers: " + n + " named registers, expected " + namedState().length);
        }
        long[] named = new long[n];
        for (int i = 0; i < n; i++) {
            named[i] = in.readLong();
        }
        int count = in.readInt();
        if (count < 0 || count > storage.length) {
            throw new IOException("system registers: " + count + " storage registers, at most " + storage.length);
        }
        Map<Integer, Integer> slotOf = new HashMap<>();
        for (int slot = 0; slot < storage.length; slot++) {
            slotOf.put(SysRegTable.storageKey(slot), slot);
        }
        long[] values = SysRegTable.newStorage(); // registers the stream does not name keep their reset value
        for (int i = 0; i < count; i++) {
            int key = in.readInt();
            Integer slot = slotOf.get(key);
            if (slot == null) {
                throw new IOException(String.format("system registers: unknown register S%d_%d_C%d_C%d_%d",
                        key >>> 14 & 3, key >>> 11 & 7, key >>> 7 & 0xf, key >>> 3 & 0xf, key & 7));
            }
            values[slot] = in.readLong();
        }
        Runnable timerState = timer.loadState(in);
        return () -> {
            applyNamedState(named);
            System.arraycopy(values, 0, storage, 0, storage.length);
            cpu.memory.flushTlb();
            cpu.memory.asidChanged();
            timerState.run();
        };
    }

    /** The registers kept in fields, in the order {@link #applyNamedState} takes them. */
    private long[] namedState() {
        return new long[] {sctlrEl1, tcrEl1, ttbr0El1, ttbr1El1, mairEl1, parEl1, cpacrEl1, vbarEl1, esrEl1,
            farEl1, elrEl1, spsrEl1, tpidrEl0, tpidrroEl0, tpidrEl1, csselrEl1, cntfrq, mdscrEl1, osLock ? 1 : 0,
            claim, pmcr, pmcnten, pmovs, pminten, pmselr, pmccntr, pmccfiltr, pmuserenr, hcrEl2, sctlrEl2, tcrEl2,
            ttbr0El2, mairEl2, vbarEl2, esrEl2, farEl2, elrEl2, spsrEl2, cptrEl2, vpidrEl2, vmpidrEl2, vttbrEl2,
            vtcrEl2, hpfarEl2};
    }

    private void applyNamedState(long[] v) {
        int i = 0;
        sctlrEl1 = v[i++];
        tcrEl1 = v[i++];
        ttbr0El1 = v[i++];
        ttbr1El1 = v[i++];
        mairEl1 = v[i++];
        parEl1 = v[i++];
        cpacrEl1 = v[i++];
        vbarEl1 = v[i++];
        esrEl1 = v[i++];
        farEl1 = v[i++];
        elrEl1 = v[i++];
        spsrEl1 = v[i++];
        tpidrEl0 = v[i++];
        tpidrroEl0 = v[i++];
        tpidrEl1 = v[i++];
        csselrEl1 = v[i++];
        cntfrq = v[i++];
        mdscrEl1 = v[i++];
        osLock = v[i++] != 0;
        claim = v[i++];
        pmcr = v[i++];
        pmcnten = v[i++];
        pmovs = v[i++];
        pminten = v[i++];
        pmselr = v[i++];
        pmccntr = v[i++];
        pmccfiltr = v[i++];
        pmuserenr = v[i++];
        hcrEl2 = v[i++];
        sctlrEl2 = v[i++];
        tcrEl2 = v[i++];
        ttbr0El2 = v[i++];
        mairEl2 = v[i++];
        vbarEl2 = v[i++];
        esrEl2 = v[i++];
        farEl2 = v[i++];
        elrEl2 = v[i++];
        spsrEl2 = v[i++];
        cptrEl2 = v[i++];
        vpidrEl2 = v[i++];
        vmpidrEl2 = v[i++];
        vttbrEl2 = v[i++];
        vtcrEl2 = v[i++];
        hpfarEl2 = v[i];
    }

    /** All system registers Armature implements (with EL2 ones, whether or not this model has EL2). */
    public static List<SysReg> registers() {
        return SysRegTable.all();
    }

    /** The registers this vCPU has (by its model, plus installed ones), e.g. for a debugger's register list. */
    public List<SysReg> available() {
        List<SysReg> list = new ArrayList<>();
        for (SysReg r : SysRegTable.all()) {
            if (!r.needsEl2() || cpu.model.has(Feature.EL2)) {
                list.add(r);
            }
        }
        for (SysReg r : installed.values()) {
            if (!r.needsEl2() || cpu.model.has(Feature.EL2)) {
                list.add(r);
            }
        }
        return list;
    }

    /** The descriptor for {@code key} on this vCPU, or null if there is no such register here. */
    public SysReg lookup(int key) {
        SysReg r = SysRegTable.lookup(key);
        if (r == null) {
            r = installed.get(key);
        }
        return r == null || (r.needsEl2() && !cpu.model.has(Feature.EL2)) ? null : r;
    }

    /** Adds a register implemented elsewhere (a GICv3 CPU interface's ICC_* registers). */
    public void install(SysReg reg) {
        if (SysRegTable.lookup(reg.key()) != null) {
            throw new IllegalArgumentException(reg.name() + " is already a built-in system register");
        }
        installed.put(reg.key(), reg);
    }

    /** MRS. */
    public long read(int key) {
        SysReg r = lookup(key);
        if (r == null || r.reader() == null) {
            throw undefinedOrImplementationDefinedTrap(key, true);
        }
        r.access().check(cpu, key, true);
        long value = r.reader().read(cpu);
        if (observer != null) {
            observer.accessed(cpu, key, true, value);
        }
        return value;
    }

    /** MSR (register form). */
    public void write(int key, long value) {
        SysReg r = lookup(key);
        if (r == null || r.writer() == null) {
            throw undefinedOrImplementationDefinedTrap(key, false);
        }
        r.access().check(cpu, key, false);
        if (observer != null) {
            observer.accessed(cpu, key, false, value);
        }
        r.writer().write(cpu, value);
    }

    /**
     * An access to a register we do not have: UNDEFINED, except that HCR_EL2.TIDCP traps EL1 accesses to the
     * IMPLEMENTATION DEFINED space (op0 = 3, CRn = 11 or 15) to EL2 first.
     */
    private SyncException undefinedOrImplementationDefinedTrap(int key, boolean read) {
        int crn = key >>> 7 & 0xf;
        if (cpu.el == 1 && key >>> 14 == 3 && (crn == 11 || crn == 15)) {
            try {
                SysRegAccess.hcrTrap(cpu, key, read, SysRegAccess.HCR_TIDCP);
            } catch (SyncException trap) {
                return trap;
            }
        }
        return SyncException.undefined(cpu.pc);
    }

    /**
     * SYS instructions (op0 = 1): cache and TLB maintenance, AT, DC ZVA. {@code key} encodes op1/CRn/CRm/op2
     * as for registers (op0 = 1); {@code value} is Xt.
     */
    public void sysOp(int key, long value) {
        SystemOps.execute(cpu, key, value);
    }

    /**
     * Declares a GICv3 CPU interface system register interface present (ID_AA64PFR0_EL1.GIC = 1 and
     * ID_PFR1_EL1.GIC = 1), as QEMU's virt does with {@code gic-version=3}.
     */
    public void setGicSystemRegisters(boolean present) {
        gicSystemRegisters = present;
    }

    /** MPIDR_EL1: bit 31 RES1, U=0, MT=0, and the affinity fields (by default Aff0 = vCPU index, as QEMU's virt). */
    public long mpidr() {
        return 0x8000_0000L | affinity;
    }

    /**
     * Sets the affinity fields (Aff3 in bits 39:32, Aff2..Aff0 in bits 23:0) the board assigns, e.g. QEMU virt's
     * clusters of 8 (GICv2) or 16 (GICv3) CPUs for large SMP configurations. Kept across {@link #reset()}.
     */
    public void setAffinity(long aff) {
        affinity = aff & 0xff_00ff_ffffL;
        vmpidrEl2 = mpidr();
    }

    /**
     * DCZID_EL0: block size 64 bytes; DZP set when DC ZVA is prohibited at the current EL (EL0 with SCTLR.DZE=0,
     * or trapped by HCR_EL2.TDZ).
     */
    long dczid() {
        boolean prohibited = cpu.el == 0 && (sctlrEl1 & (1L << 14)) == 0
                || cpu.el < 2 && (hcrEl2 & SysRegAccess.HCR_TDZ) != 0 && cpu.model.has(Feature.EL2);
        return id.dczid | (prohibited ? 0x10 : 0);
    }

    /**
     * Checks that FP/AdvSIMD is enabled at the current EL (CPACR_EL1.FPEN, then CPTR_EL2.TFP) and throws the
     * EC 0x07 trap if not. FP and SIMD instructions call this before executing.
     */
    public void checkFpAccess() {
        int el = cpu.el;
        if (el < 2) {
            long fpen = cpacrEl1 >>> 20 & 3;
            if (fpen != 3 && (fpen != 1 || el == 0)) {
                throw fpTrap(1);
            }
        }
        if ((cptrEl2 & (1L << 10)) != 0 && cpu.model.has(Feature.EL2)) {
            throw fpTrap(2);
        }
    }

    /**
     * WFI/WFE traps, checked by those instructions before waiting: SCTLR_EL1.nTWI/nTWE at EL0 (to EL1), then
     * HCR_EL2.TWI/TWE at EL0/EL1 (to EL2). EC 0x01, ISS CV=1, COND=0b1110, TI = 1 for WFE.
     */
    public void checkWfxTrap(boolean wfe) {
        int el = cpu.el;
        SyncException trap = null;
        if (el == 0 && (sctlrEl1 & (1L << (wfe ? 18 : 16))) == 0) {
            trap = wfxTrap(wfe, 1);
        } else if (el < 2 && cpu.model.has(Feature.EL2) && (hcrEl2 & (1L << (wfe ? 14 : 13))) != 0) {
            trap = wfxTrap(wfe, 2);
        }
        if (trap != null) {
            throw trap;
        }
    }

    private SyncException wfxTrap(boolean wfe, int targetEl) {
        return new SyncException(Esr.EC_WFX, 1 << 24 | 0xe << 20 | (wfe ? 1 : 0), 0, false, cpu.pc, targetEl);
    }

    private SyncException fpTrap(int targetEl) {
        // ISS for an exception from AArch64: CV=1, COND=0b1110.
        return new SyncException(Esr.EC_FP_ACCESS, 1 << 24 | 0xe << 20, 0, false, cpu.pc,
                Math.max(targetEl, cpu.el));
    }

    // ---- writes that affect translation ----

    void setSctlrEl1(long v) {
        if (v != sctlrEl1) {
            sctlrEl1 = v;
            cpu.memory.flushEl10();
        }
    }

    void setTcrEl1(long v) {
        if (v != tcrEl1) {
            tcrEl1 = v;
            cpu.memory.flushEl10();
            cpu.memory.asidChanged(); // A1 and AS pick the ASID
        }
    }

    void setMairEl1(long v) {
        if (v != mairEl1) {
            mairEl1 = v;
            cpu.memory.flushEl10();
        }
    }

    /**
     * TTBRn_EL1: drops nothing. As in a hardware TLB, entries are tagged with their ASID only, not with the table
     * base they were walked from (software changing the tables under an ASID it keeps must TLBI), so a new ASID
     * just selects that ASID's TLB bank. KPTI and software PAN switch TTBRs on every kernel entry and exit.
     */
    void setTtbrEl1(int n, long v) {
        long old = n == 0 ? ttbr0El1 : ttbr1El1;
        if (n == 0) {
            ttbr0El1 = v;
        } else {
            ttbr1El1 = v;
        }
        if ((old ^ v) >>> 48 != 0) {
            cpu.memory.asidChanged();
        }
    }

    /** HCR_EL2: stage-2 enables and TGE change the EL1&amp;0 regime; routing and VI/VF/VSE change interrupts. */
    void setHcrEl2(long v) {
        v &= HCR_MASK;
        long old = hcrEl2;
        hcrEl2 = v;
        if (((old ^ v) & HCR_TRANSLATION) != 0) {
            cpu.memory.flushEl10();
        }
        cpu.updateInterrupts();
    }

    /**
     * VTTBR_EL2 (BADDR and VMID) and VTCR_EL2: TLB entries are not tagged with a VMID, so a new VMID or stage-2
     * table drops the EL1&amp;0 regime's entries, which is what makes the previous VM's entries unreachable.
     */
    void setVttbrEl2(long v) {
        if (v != vttbrEl2) {
            vttbrEl2 = v;
            cpu.memory.flushEl10();
        }
    }

    void setVtcrEl2(long v) {
        v = v & 0xffff_ffffL | VTCR_RES1;
        if (v != vtcrEl2) {
            vtcrEl2 = v;
            cpu.memory.flushEl10();
        }
    }

    void setSctlrEl2(long v) {
        if (v != sctlrEl2) {
            sctlrEl2 = v;
            cpu.memory.flushEl2();
        }
    }

    void setTcrEl2(long v) {
        if (v != tcrEl2) {
            tcrEl2 = v;
            cpu.memory.flushEl2();
        }
    }

    void setTtbr0El2(long v) {
        if (v != ttbr0El2) {
            ttbr0El2 = v;
            cpu.memory.flushEl2();
        }
    }

    void setMairEl2(long v) {
        if (v != mairEl2) {
            mairEl2 = v;
            cpu.memory.flushEl2();
        }
    }
}
