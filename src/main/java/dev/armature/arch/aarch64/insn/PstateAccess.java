package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.Esr;
import dev.armature.arch.aarch64.Insn;
import dev.armature.arch.aarch64.SyncException;

/**
 * MSR (immediate) to the PSTATE fields of ARMv8.0-A: SPSel, DAIFSet, DAIFClr. SPSel is UNDEFINED at EL0;
 * DAIFSet/DAIFClr at EL0 trap to EL1 unless SCTLR_EL1.UMA is set.
 */
public abstract class PstateAccess extends Insn {
    private static final long SCTLR_UMA = 1L << 9;

    protected final int crm;

    private PstateAccess(int crm) {
        this.crm = crm;
    }

    public static Insn spSel(int crm) {
        return new SpSel(crm);
    }

    /** DAIFSet (set = true) or DAIFClr; {@code crm} holds the D, A, I, F bits. */
    public static Insn daif(boolean set, int crm) {
        return set ? new DaifSet(crm) : new DaifClr(crm);
    }

    @Override
    public boolean endsBlock() {
        return true; // changes the stack pointer in use or interrupt masking
    }

    /** The EL0 access check for DAIFSet/DAIFClr (op1 = 3, op2 = {@code op2}). */
    protected final void checkDaifAccess(Cpu cpu, int op2) {
        if (cpu.el == 0 && (cpu.sys.sctlrEl1 & SCTLR_UMA) == 0) {
            // ISS for a trapped MSR immediate: Op0=0, Op2, Op1=3, CRn=4, Rt=31, CRm, direction write.
            int iss = op2 << 17 | 3 << 14 | 4 << 10 | 31 << 5 | crm << 1;
            throw new SyncException(Esr.EC_SYSREG, iss, 0, false, cpu.pc);
        }
    }

    static final class SpSel extends PstateAccess {
        SpSel(int crm) {
            super(crm);
        }

        @Override
        public void exec(Cpu cpu) {
            if (cpu.el == 0) {
                throw SyncException.undefined(cpu.pc);
            }
            cpu.setMode(cpu.el, (crm & 1) != 0);
        }

        @Override
        public String toString() {
            return "msr spsel, #" + (crm & 1);
        }
    }

    static final class DaifSet extends PstateAccess {
        DaifSet(int crm) {
            super(crm);
        }

        @Override
        public void exec(Cpu cpu) {
            checkDaifAccess(cpu, 6);
            cpu.daif |= crm << 6;
        }

        @Override
        public String toString() {
            return "msr daifset, #" + crm;
        }
    }

    static final class DaifClr extends PstateAccess {
        DaifClr(int crm) {
            super(crm);
        }

        @Override
        public void exec(Cpu cpu) {
            checkDaifAccess(cpu, 7);
            cpu.daif &= ~(crm << 6);
            cpu.updateInterrupts();
        }

        @Override
        public String toString() {
            return "msr daifclr, #" + crm;
        }
    }
}
