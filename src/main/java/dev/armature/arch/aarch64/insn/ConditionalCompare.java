package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Alu;
import dev.armature.arch.aarch64.Condition;
import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.DataProcessingInsn;
import dev.armature.arch.aarch64.Insn;

/**
 * CCMN, CCMP (register and immediate): if the condition holds, the flags of Rn + op2 (CCMN) or Rn - op2 (CCMP),
 * else the immediate NZCV. The immediate form reads its operand as {@code XZR | imm5}, so both forms share
 * one path: op2 = r[rm] | imm, with rm = XZR for the immediate form and imm = 0 for the register form.
 */
public abstract class ConditionalCompare extends DataProcessingInsn {
    protected final long imm;
    protected final long invert;
    protected final int carry;
    /** The NZCV used when the condition fails, in bits 31..28. */
    protected final int elseFlags;
    protected final Condition cond;
    private final boolean sf;
    private final boolean immediateForm;

    private ConditionalCompare(boolean sf, boolean compareNegative, boolean immediateForm, int rn, int rm, long imm,
            int cond, int nzcv) {
        super(Cpu.SINK, rn, rm, Cpu.XZR);
        this.sf = sf;
        this.imm = imm;
        this.invert = compareNegative ? 0 : -1L;
        this.carry = compareNegative ? 0 : 1;
        this.cond = Condition.of(cond);
        this.elseFlags = nzcv << 28;
        this.immediateForm = immediateForm;
    }

    /** CCMN (compareNegative) or CCMP with a register operand. */
    public static Insn register(boolean sf, boolean compareNegative, int rn, int rm, int cond, int nzcv) {
        return sf ? new Ccmp64(compareNegative, false, rn, rm, 0, cond, nzcv)
                : new Ccmp32(compareNegative, false, rn, rm, 0, cond, nzcv);
    }

    /** CCMN (compareNegative) or CCMP with a 5-bit immediate operand. */
    public static Insn immediate(boolean sf, boolean compareNegative, int rn, int imm5, int cond, int nzcv) {
        return sf ? new Ccmp64(compareNegative, true, rn, Cpu.XZR, imm5, cond, nzcv)
                : new Ccmp32(compareNegative, true, rn, Cpu.XZR, imm5, cond, nzcv);
    }

    @Override
    public boolean usesCpuFlags() {
        return true;
    }

    @Override
    public String toString() {
        String op2 = immediateForm ? "#" + imm : Reg.name(rm, sf);
        return (carry == 0 ? "ccmn " : "ccmp ") + Reg.name(rn, sf) + ", " + op2 + ", #" + (elseFlags >>> 28)
                + ", " + cond.mnemonic();
    }

    static final class Ccmp64 extends ConditionalCompare {
        Ccmp64(boolean compareNegative, boolean immediateForm, int rn, int rm, long imm, int cond, int nzcv) {
            super(true, compareNegative, immediateForm, rn, rm, imm, cond, nzcv);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], r[rm], 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            if (cond.holds(cpu)) {
                Alu.addWithCarry64(cpu, n, (m | imm) ^ invert, carry);
            } else {
                cpu.setNzcv(elseFlags);
            }
            return 0; // flags only: the destination is Cpu.SINK
        }
    }

    static final class Ccmp32 extends ConditionalCompare {
        Ccmp32(boolean compareNegative, boolean immediateForm, int rn, int rm, long imm, int cond, int nzcv) {
            super(false, compareNegative, immediateForm, rn, rm, imm, cond, nzcv);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], r[rm], 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            if (cond.holds(cpu)) {
                Alu.addWithCarry32(cpu, (int) n, (int) ((m | imm) ^ invert), carry);
            } else {
                cpu.setNzcv(elseFlags);
            }
            return 0; // flags only: the destination is Cpu.SINK
        }
    }
}
