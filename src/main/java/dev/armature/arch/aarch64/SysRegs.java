package dev.armature.arch.aarch64;

/**
 * System registers of one vCPU, addressed by their MRS/MSR encoding
 * {@code key = op0<<14 | op1<<11 | CRn<<7 | CRm<<3 | op2}. Reads and writes that are not permitted at the
 * current EL, or of registers we do not implement, are UNDEFINED — never silently zero.
 */
public final class SysRegs {
    /** CNTFRQ_EL0: 62.5 MHz, QEMU 7.2's virt default, so guests see the same timer rate as on QEMU. */
    public static final long COUNTER_HZ = 62_500_000L;

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
    public static final int VBAR_EL1 = key(3, 0, 12, 0, 0);
    public static final int ESR_EL1 = key(3, 0, 5, 2, 0);
    public static final int FAR_EL1 = key(3, 0, 6, 0, 0);
    public static final int ELR_EL1 = key(3, 0, 4, 0, 1);
    public static final int SPSR_EL1 = key(3, 0, 4, 0, 0);
    public static final int SP_EL0 = key(3, 0, 4, 1, 0);

    private final Cpu cpu;
    private final long counterBase = System.nanoTime();

    /** SCTLR_EL1 reset value: RES1 bits set, MMU and caches off. */
    public long sctlrEl1 = 0x30d0_0800L;
    public long cpacrEl1;
    public long vbarEl1;
    public long esrEl1;
    public long farEl1;
    public long elrEl1;
    public long spsrEl1;
    public long tpidrEl0;
    public long tpidrroEl0;
    public long tpidrEl1;

    SysRegs(Cpu cpu) {
        this.cpu = cpu;
    }

    /** The virtual/physical count: host monotonic time at {@link #COUNTER_HZ} (16 ns per tick). */
    public long counter() {
        return (System.nanoTime() - counterBase) / 16;
    }

    public long read(int key) {
        if (key == NZCV) {
            return cpu.nzcv & 0xf000_0000L;
        } else if (key == DAIF) {
            return cpu.daif;
        } else if (key == FPCR) {
            return cpu.fpcr;
        } else if (key == FPSR) {
            return cpu.fpsr;
        } else if (key == TPIDR_EL0) {
            return tpidrEl0;
        } else if (key == TPIDRRO_EL0) {
            return tpidrroEl0;
        } else if (key == CNTFRQ_EL0) {
            return COUNTER_HZ;
        } else if (key == CNTVCT_EL0 || key == CNTPCT_EL0) {
            return counter();
        } else if (key == CTR_EL0) {
            return 0x8444c004L; // Cortex-A57: 64-byte lines, PIPT I-cache
        } else if (key == DCZID_EL0) {
            return 4; // DC ZVA block of 2^4 words = 64 bytes, permitted
        }
        requireEl1(key);
        if (key == CURRENT_EL) {
            return (long) cpu.el << 2;
        } else if (key == SPSEL) {
            return cpu.spSel ? 1 : 0;
        } else if (key == MIDR_EL1) {
            return cpu.model.midr();
        } else if (key == MPIDR_EL1) {
            return mpidr();
        } else if (key == SCTLR_EL1) {
            return sctlrEl1;
        } else if (key == CPACR_EL1) {
            return cpacrEl1;
        } else if (key == VBAR_EL1) {
            return vbarEl1;
        } else if (key == ESR_EL1) {
            return esrEl1;
        } else if (key == FAR_EL1) {
            return farEl1;
        } else if (key == ELR_EL1) {
            return elrEl1;
        } else if (key == SPSR_EL1) {
            return spsrEl1;
        } else if (key == SP_EL0) {
            return cpu.spOf(0);
        } else if (key == TPIDR_EL1) {
            return tpidrEl1;
        }
        throw SyncException.undefined(cpu.pc);
    }

    public void write(int key, long value) {
        if (key == NZCV) {
            cpu.nzcv = (int) (value & 0xf000_0000L);
            return;
        } else if (key == DAIF) {
            if (cpu.el == 0) {
                throw SyncException.undefined(cpu.pc); // SCTLR_EL1.UMA=0
            }
            cpu.daif = (int) (value & 0x3c0);
            return;
        } else if (key == FPCR) {
            cpu.fpcr = (int) value & 0x07ff_9f00;
            return;
        } else if (key == FPSR) {
            cpu.fpsr = (int) value & 0xf800_009f;
            return;
        } else if (key == TPIDR_EL0) {
            tpidrEl0 = value;
            return;
        }
        requireEl1(key);
        if (key == SPSEL) {
            cpu.setMode(cpu.el, (value & 1) != 0);
        } else if (key == SCTLR_EL1) {
            sctlrEl1 = value;
            cpu.memory.flushTlb();
        } else if (key == CPACR_EL1) {
            cpacrEl1 = value & 0x0030_0000L;
        } else if (key == VBAR_EL1) {
            vbarEl1 = value & ~0x7ffL;
        } else if (key == ESR_EL1) {
            esrEl1 = value & 0xffff_ffffL;
        } else if (key == FAR_EL1) {
            farEl1 = value;
        } else if (key == ELR_EL1) {
            elrEl1 = value;
        } else if (key == SPSR_EL1) {
            spsrEl1 = value & 0xf03f_ffffL;
        } else if (key == SP_EL0) {
            cpu.setSpOf(0, value);
        } else if (key == TPIDR_EL1) {
            tpidrEl1 = value;
        } else if (key == TPIDRRO_EL0) {
            tpidrroEl0 = value;
        } else {
            throw SyncException.undefined(cpu.pc);
        }
    }

    /** MPIDR_EL1 as QEMU's virt assigns it: U=0, MT=0, Aff0 = vCPU index (bit 31 RES1). */
    public long mpidr() {
        return 0x8000_0000L | cpu.index;
    }

    /**
     * SYS instructions (op0 = 1): cache and TLB maintenance, AT, DC ZVA. {@code key} encodes op1/CRn/CRm/op2
     * as for registers (op0 = 1); {@code value} is Xt.
     */
    public void sysOp(int key, long value) {
        int crn = (key >>> 7) & 0xf;
        if (crn == 8) { // TLBI: the software TLB holds everything; drop it all
            requireEl1(key);
            cpu.memory.flushTlb();
            return;
        }
        if (key == key(1, 3, 7, 4, 1)) { // DC ZVA: zero a 64-byte block
            long base = value & ~63L;
            for (int i = 0; i < 64; i += 8) {
                cpu.memory.write(base + i, 8, 0);
            }
            return;
        }
        if (crn == 7) { // IC/DC maintenance: caches are not modelled, so these complete at once
            return;
        }
        throw SyncException.undefined(cpu.pc);
    }

    private void requireEl1(int key) {
        if (cpu.el == 0) {
            throw SyncException.undefined(cpu.pc);
        }
    }
}
