package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Alu;
import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.FlagSetting;
import dev.armature.arch.aarch64.Insn;

/** ADD, ADDS, SUB, SUBS (shifted register): AddWithCarry(Rn, shifted Rm or its inverse, sub ? 1 : 0). */
public abstract class AddSubShifted extends ShiftedRegister {
    protected final int carry;
    private final boolean sf;
    private final boolean setFlags;

    private AddSubShifted(boolean sf, boolean sub, boolean setFlags, int rd, int rn, int rm, Shift shift,
            int amount) {
        super(rd, rn, rm, shift, amount, sf, sub);
        this.carry = sub ? 1 : 0;
        this.sf = sf;
        this.setFlags = setFlags;
    }

    /** @param shift LSL, LSR or ASR (ROR is reserved, rejected by the decoder) */
    public static Insn create(boolean sf, boolean sub, boolean setFlags, int rd, int rn, int rm, Shift shift,
            int amount) {
        if (setFlags) {
            return sf ? new Adds64(sub, rd, rn, rm, shift, amount) : new Adds32(sub, rd, rn, rm, shift, amount);
        }
        return sf ? new Add64(sub, rd, rn, rm, shift, amount) : new Add32(sub, rd, rn, rm, shift, amount);
    }

    @Override
    public String toString() {
        return (carry != 0 ? "sub" : "add") + (setFlags ? "s " : " ") + Reg.name(rd, sf) + ", " + Reg.name(rn, sf)
                + ", " + operandText(sf);
    }

    static final class Add64 extends AddSubShifted {
        Add64(boolean sub, int rd, int rn, int rm, Shift shift, int amount) {
            super(true, sub, false, rd, rn, rm, shift, amount);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], r[rm], 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return n + operand64(m) + carry;
        }
    }

    static final class Add32 extends AddSubShifted {
        Add32(boolean sub, int rd, int rn, int rm, Shift shift, int amount) {
            super(false, sub, false, rd, rn, rm, shift, amount);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], r[rm], 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return ((int) n + operand32(m) + carry) & 0xffff_ffffL;
        }
    }

    static final class Adds64 extends AddSubShifted implements FlagSetting {
        Adds64(boolean sub, int rd, int rn, int rm, Shift shift, int amount) {
            super(true, sub, true, rd, rn, rm, shift, amount);
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
            return n + operand64(m) + carry;
        }

        @Override
        public long nz(long n, long m, long a) {
            return value(n, m, a);
        }

        @Override
        public int carry(long n, long m, long a) {
            return Alu.carry64(n, operand64(m), value(n, m, a));
        }

        @Override
        public long overflow(long n, long m, long a) {
            return Alu.overflow64(n, operand64(m), value(n, m, a));
        }
    }

    static final class Adds32 extends AddSubShifted implements FlagSetting {
        Adds32(boolean sub, int rd, int rn, int rm, Shift shift, int amount) {
            super(false, sub, true, rd, rn, rm, shift, amount);
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
            return (int) n + operand32(m) + carry;
        }

        @Override
        public int carry(long n, long m, long a) {
            return Alu.carry32((int) n, operand32(m), (int) nz(n, m, a));
        }

        @Override
        public long overflow(long n, long m, long a) {
            return Alu.overflow32((int) n, operand32(m), (int) nz(n, m, a));
        }
    }
}
