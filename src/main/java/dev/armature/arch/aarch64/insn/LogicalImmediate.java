package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Alu;
import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.FlagSetting;
import dev.armature.arch.aarch64.DataProcessingInsn;
import dev.armature.arch.aarch64.Insn;

/** AND, ORR, EOR, ANDS (immediate), with the bitmask immediate decoded up front. */
public abstract class LogicalImmediate extends DataProcessingInsn {
    /** The operations, in opc order. */
    public enum Op { AND, ORR, EOR, ANDS }

    /** The bitmask immediate, zero-extended from the operation size. */
    protected final long imm;
    /** Result mask of the operation size (all ones for 64-bit). */
    protected final long mask;
    private final Op op;

    private LogicalImmediate(Op op, boolean sf, int rd, int rn, long imm) {
        super(rd, rn, Cpu.XZR, Cpu.XZR);
        this.op = op;
        this.imm = imm;
        this.mask = sf ? -1L : 0xffff_ffffL;
    }

    public static Insn create(Op op, boolean sf, int rd, int rn, long imm) {
        return switch (op) {
            case AND -> new And(sf, rd, rn, imm);
            case ORR -> new Orr(sf, rd, rn, imm);
            case EOR -> new Eor(sf, rd, rn, imm);
            case ANDS -> sf ? new Ands64(rd, rn, imm) : new Ands32(rd, rn, imm);
        };
    }

    @Override
    public String toString() {
        boolean sf = mask == -1L;
        return op.name().toLowerCase() + " " + Reg.name(rd, sf) + ", " + Reg.name(rn, sf) + ", " + Reg.hex(imm);
    }

    static final class And extends LogicalImmediate {
        And(boolean sf, int rd, int rn, long imm) {
            super(Op.AND, sf, rd, rn, imm);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], 0, 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return n & imm; // imm has no bits above the operation size
        }
    }

    static final class Orr extends LogicalImmediate {
        Orr(boolean sf, int rd, int rn, long imm) {
            super(Op.ORR, sf, rd, rn, imm);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], 0, 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return (n | imm) & mask;
        }
    }

    static final class Eor extends LogicalImmediate {
        Eor(boolean sf, int rd, int rn, long imm) {
            super(Op.EOR, sf, rd, rn, imm);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], 0, 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return (n ^ imm) & mask;
        }
    }

    static final class Ands64 extends LogicalImmediate implements FlagSetting {
        Ands64(int rd, int rn, long imm) {
            super(Op.ANDS, true, rd, rn, imm);
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
            return n & imm;
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

    static final class Ands32 extends LogicalImmediate implements FlagSetting {
        Ands32(int rd, int rn, long imm) {
            super(Op.ANDS, false, rd, rn, imm);
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
            return (int) n & (int) imm;
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
}
