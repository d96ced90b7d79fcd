package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Alu;
import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.DataProcessingInsn;
import dev.armature.arch.aarch64.FlagSetting;
import dev.armature.arch.aarch64.Insn;

/**
 * ADD, ADDS, SUB, SUBS (immediate). SUB(S) is AddWithCarry(Rn, NOT(imm), 1), so the decoder folds the
 * inversion into the operand and every form is one addition.
 */
public abstract class AddSubImmediate extends DataProcessingInsn {
    /** The immediate as added: imm, or NOT(imm) for SUB(S). */
    protected final long operand2;
    /** Carry-in: 1 for SUB(S), else 0. */
    protected final int carry;
    private final long imm;
    private final boolean sf;

    private AddSubImmediate(boolean sf, boolean sub, int rd, int rn, long imm) {
        super(rd, rn, Cpu.XZR, Cpu.XZR);
        this.imm = imm;
        this.sf = sf;
        this.operand2 = sub ? ~imm : imm;
        this.carry = sub ? 1 : 0;
    }

    /** @param imm the unsigned immediate after the optional LSL #12 */
    public static Insn create(boolean sf, boolean sub, boolean setFlags, int rd, int rn, long imm) {
        if (setFlags) {
            return sf ? new Adds64(rd, rn, sub, imm) : new Adds32(rd, rn, sub, imm);
        }
        return sf ? new Add64(rd, rn, sub, imm) : new Add32(rd, rn, sub, imm);
    }

    @Override
    public String toString() {
        String op = carry != 0 ? "sub" : "add";
        return op + (this instanceof Adds64 || this instanceof Adds32 ? "s " : " ") + Reg.name(rd, sf) + ", "
                + Reg.name(rn, sf) + ", " + Reg.hex(imm);
    }

    static final class Add64 extends AddSubImmediate {
        Add64(int rd, int rn, boolean sub, long imm) {
            super(true, sub, rd, rn, imm);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], 0, 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return n + operand2 + carry;
        }
    }

    static final class Add32 extends AddSubImmediate {
        Add32(int rd, int rn, boolean sub, long imm) {
            super(false, sub, rd, rn, imm);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], 0, 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return (n + operand2 + carry) & 0xffff_ffffL;
        }
    }

    static final class Adds64 extends AddSubImmediate implements FlagSetting {
        Adds64(int rd, int rn, boolean sub, long imm) {
            super(true, sub, rd, rn, imm);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], 0, 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return Alu.computeWithFlags(cpu, this, n, m, a);
        }

        @Override
        public long value(long n, long m, long a) {
            return n + operand2 + carry;
        }

        @Override
        public long nz(long n, long m, long a) {
            return value(n, m, a);
        }

        @Override
        public int carry(long n, long m, long a) {
            return Alu.immediateCarry64(n, operand2, value(n, m, a));
        }

        @Override
        public long overflow(long n, long m, long a) {
            return Alu.immediateOverflow64(n, operand2, value(n, m, a));
        }
    }

    static final class Adds32 extends AddSubImmediate implements FlagSetting {
        Adds32(int rd, int rn, boolean sub, long imm) {
            super(false, sub, rd, rn, imm);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], 0, 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return Alu.computeWithFlags(cpu, this, n, m, a);
        }

        @Override
        public long value(long n, long m, long a) {
            return nz(n, m, a) & 0xffff_ffffL;
        }

        @Override
        public long nz(long n, long m, long a) {
            return (int) n + (int) operand2 + carry;
        }

        @Override
        public int carry(long n, long m, long a) {
            return Alu.immediateCarry32((int) n, (int) operand2, (int) nz(n, m, a));
        }

        @Override
        public long overflow(long n, long m, long a) {
            return Alu.immediateOverflow32((int) n, (int) operand2, (int) nz(n, m, a));
        }
    }
}
