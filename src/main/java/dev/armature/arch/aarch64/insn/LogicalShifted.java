package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Alu;
import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.FlagSetting;
import dev.armature.arch.aarch64.Insn;

/**
 * AND, BIC, ORR, ORN, EOR, EON, ANDS, BICS (shifted register). The N bit (BIC, ORN, EON, BICS) inverts the
 * shifted operand, folded into {@link ShiftedRegister}. The plain register move (ORR Rd, ZR, Rm) has its own
 * class since compilers emit it everywhere.
 */
public abstract class LogicalShifted extends ShiftedRegister {
    /** Operations by opc. */
    public enum Op { AND, ORR, EOR, ANDS }

    private static final String[][] NAMES = {{"and", "bic"}, {"orr", "orn"}, {"eor", "eon"}, {"ands", "bics"}};

    private final Op op;
    private final boolean sf;

    private LogicalShifted(Op op, boolean sf, int rd, int rn, int rm, Shift shift, int amount, boolean invert) {
        super(rd, rn, rm, shift, amount, sf, invert);
        this.op = op;
        this.sf = sf;
    }

    public static Insn create(Op op, boolean sf, int rd, int rn, int rm, Shift shift, int amount,
            boolean invert) {
        if (op == Op.ORR && rn == Cpu.XZR && amount == 0 && !invert) {
            return sf ? new Mov64(rd, rm) : new Mov32(rd, rm);
        }
        return switch (op) {
            case AND -> sf ? new And64(rd, rn, rm, shift, amount, invert) : new And32(rd, rn, rm, shift, amount, invert);
            case ORR -> sf ? new Orr64(rd, rn, rm, shift, amount, invert) : new Orr32(rd, rn, rm, shift, amount, invert);
            case EOR -> sf ? new Eor64(rd, rn, rm, shift, amount, invert) : new Eor32(rd, rn, rm, shift, amount, invert);
            case ANDS -> sf ? new Ands64(rd, rn, rm, shift, amount, invert)
                    : new Ands32(rd, rn, rm, shift, amount, invert);
        };
    }

    @Override
    public String toString() {
        return NAMES[op.ordinal()][inverted() ? 1 : 0] + " " + Reg.name(rd, sf) + ", " + Reg.name(rn, sf) + ", "
                + operandText(sf);
    }

    static final class And64 extends LogicalShifted {
        And64(int rd, int rn, int rm, Shift shift, int amount, boolean invert) {
            super(Op.AND, true, rd, rn, rm, shift, amount, invert);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], r[rm], 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return n & operand64(m);
        }
    }

    static final class And32 extends LogicalShifted {
        And32(int rd, int rn, int rm, Shift shift, int amount, boolean invert) {
            super(Op.AND, false, rd, rn, rm, shift, amount, invert);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], r[rm], 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return ((int) n & operand32(m)) & 0xffff_ffffL;
        }
    }

    static final class Orr64 extends LogicalShifted {
        Orr64(int rd, int rn, int rm, Shift shift, int amount, boolean invert) {
            super(Op.ORR, true, rd, rn, rm, shift, amount, invert);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], r[rm], 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return n | operand64(m);
        }
    }

    static final class Orr32 extends LogicalShifted {
        Orr32(int rd, int rn, int rm, Shift shift, int amount, boolean invert) {
            super(Op.ORR, false, rd, rn, rm, shift, amount, invert);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], r[rm], 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return ((int) n | operand32(m)) & 0xffff_ffffL;
        }
    }

    static final class Eor64 extends LogicalShifted {
        Eor64(int rd, int rn, int rm, Shift shift, int amount, boolean invert) {
            super(Op.EOR, true, rd, rn, rm, shift, amount, invert);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], r[rm], 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return n ^ operand64(m);
        }
    }

    static final class Eor32 extends LogicalShifted {
        Eor32(int rd, int rn, int rm, Shift shift, int amount, boolean invert) {
            super(Op.EOR, false, rd, rn, rm, shift, amount, invert);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], r[rm], 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return ((int) n ^ operand32(m)) & 0xffff_ffffL;
        }
    }

    static final class Ands64 extends LogicalShifted implements FlagSetting {
        Ands64(int rd, int rn, int rm, Shift shift, int amount, boolean invert) {
            super(Op.ANDS, true, rd, rn, rm, shift, amount, invert);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], r[rm], 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return Alu.computeWithFlags(cpu, this, n, m, a);
        }

        @Override
        public long value(long n, long m, long a) {
            return n & operand64(m);
        }

        @Override
        public long nz(long n, long m, long a) {
            return value(n, m, a);
        }

        @Override
        public int carry(long n, long m, long a) {
            return 0;
        }

        @Override
        public long overflow(long n, long m, long a) {
            return 0;
        }
    }

    static final class Ands32 extends LogicalShifted implements FlagSetting {
        Ands32(int rd, int rn, int rm, Shift shift, int amount, boolean invert) {
            super(Op.ANDS, false, rd, rn, rm, shift, amount, invert);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], r[rm], 0);
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
            return (int) n & operand32(m);
        }

        @Override
        public int carry(long n, long m, long a) {
            return 0;
        }

        @Override
        public long overflow(long n, long m, long a) {
            return 0;
        }
    }

    /** MOV (register): ORR Rd, ZR, Rm. */
    static final class Mov64 extends LogicalShifted {
        Mov64(int rd, int rm) {
            super(Op.ORR, true, rd, Cpu.XZR, rm, Shift.LSL, 0, false);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, 0, r[rm], 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return m;
        }
    }

    static final class Mov32 extends LogicalShifted {
        Mov32(int rd, int rm) {
            super(Op.ORR, false, rd, Cpu.XZR, rm, Shift.LSL, 0, false);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, 0, r[rm], 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return m & 0xffff_ffffL;
        }
    }
}
