package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Condition;
import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.DataProcessingInsn;
import dev.armature.arch.aarch64.Insn;

/**
 * CSEL, CSINC, CSINV, CSNEG (and CSET, CINC, CNEG, ...): Rd = cond ? Rn : f(Rm), with f(x) = (x XOR invert) +
 * increment, which covers x, x + 1, NOT x and -x.
 */
public final class ConditionalSelect extends DataProcessingInsn {
    private static final String[] NAMES = {"csel", "csinc", "csinv", "csneg"};

    private final long invert;
    private final int increment;
    private final long mask;
    private final Condition cond;
    private final int op;

    /** @param op op:op2 from the encoding: 0 CSEL, 1 CSINC, 2 CSINV, 3 CSNEG */
    public ConditionalSelect(boolean sf, int op, int rd, int rn, int rm, int cond) {
        super(rd, rn, rm, Cpu.XZR);
        this.cond = Condition.of(cond);
        this.op = op;
        this.invert = op >= 2 ? -1L : 0;
        this.increment = op == 1 || op == 3 ? 1 : 0;
        this.mask = sf ? -1L : 0xffff_ffffL;
    }

    @Override
    public void exec(Cpu cpu) {
        long[] r = cpu.r;
        r[rd] = compute(cpu, r[rn], r[rm], 0);
    }

    @Override
    public long compute(Cpu cpu, long n, long m, long a) {
        long v = cond.holds(cpu) ? n : (m ^ invert) + increment;
        return v & mask;
    }

    @Override
    public boolean usesCpuFlags() {
        return true;
    }

    @Override
    public String toString() {
        boolean sf = mask == -1L;
        return NAMES[op] + " " + Reg.name(rd, sf) + ", " + Reg.name(rn, sf) + ", " + Reg.name(rm, sf) + ", "
                + cond.mnemonic();
    }
}
