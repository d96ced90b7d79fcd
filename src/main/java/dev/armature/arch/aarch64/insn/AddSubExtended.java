package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Alu;
import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.DataProcessingInsn;
import dev.armature.arch.aarch64.FlagSetting;
import dev.armature.arch.aarch64.Insn;

/**
 * ADD, ADDS, SUB, SUBS (extended register). The second operand is ExtendReg(Rm, option, shift); the extension
 * is folded at decode time into {@code ((v << e) >> e) & extMask}, where e = 64 - extension width and extMask
 * clears the sign copies for the unsigned extensions.
 */
public abstract class AddSubExtended extends DataProcessingInsn {
    private static final String[] EXTEND = {"uxtb", "uxth", "uxtw", "uxtx", "sxtb", "sxth", "sxtw", "sxtx"};

    private final int e;
    private final long extMask;
    protected final int shift;
    /** All ones for SUB(S), else 0. */
    protected final long invert;
    protected final int carry;
    private final int option;
    private final boolean sf;
    private final boolean setFlags;

    private AddSubExtended(boolean sf, boolean sub, boolean setFlags, int rd, int rn, int rm, int option,
            int shift) {
        super(rd, rn, rm, Cpu.XZR);
        this.option = option;
        this.shift = shift;
        this.sf = sf;
        this.setFlags = setFlags;
        int bits = 8 << (option & 3);
        this.e = 64 - bits;
        this.extMask = (option & 4) != 0 ? -1L : -1L >>> e;
        this.invert = sub ? -1L : 0;
        this.carry = sub ? 1 : 0;
    }

    /**
     * @param option the extension, as encoded: UXTB..UXTX = 0..3, SXTB..SXTX = 4..7
     * @param shift  left shift 0..4 applied after the extension
     */
    public static Insn create(boolean sf, boolean sub, boolean setFlags, int rd, int rn, int rm, int option,
            int shift) {
        if (setFlags) {
            return sf ? new Adds64(sub, rd, rn, rm, option, shift) : new Adds32(sub, rd, rn, rm, option, shift);
        }
        return sf ? new Add64(sub, rd, rn, rm, option, shift) : new Add32(sub, rd, rn, rm, option, shift);
    }

    /** The extended, shifted and (for SUB) inverted second operand; 32-bit forms use its low half. */
    protected final long operand(long m) {
        return ((((m << e) >> e) & extMask) << shift) ^ invert;
    }

    @Override
    public String toString() {
        boolean wideRm = sf && (option & 3) == 3;
        return (carry != 0 ? "sub" : "add") + (setFlags ? "s " : " ") + Reg.name(rd, sf) + ", " + Reg.name(rn, sf)
                + ", " + Reg.name(rm, wideRm) + ", " + EXTEND[option] + (shift == 0 ? "" : " #" + shift);
    }

    static final class Add64 extends AddSubExtended {
        Add64(boolean sub, int rd, int rn, int rm, int option, int shift) {
            super(true, sub, false, rd, rn, rm, option, shift);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], r[rm], 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return n + operand(m) + carry;
        }
    }

    static final class Add32 extends AddSubExtended {
        Add32(boolean sub, int rd, int rn, int rm, int option, int shift) {
            super(false, sub, false, rd, rn, rm, option, shift);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], r[rm], 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return (n + operand(m) + carry) & 0xffff_ffffL;
        }
    }

    static final class Adds64 extends AddSubExtended implements FlagSetting {
        Adds64(boolean sub, int rd, int rn, int rm, int option, int shift) {
            super(true, sub, true, rd, rn, rm, option, shift);
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
            return n + operand(m) + carry;
        }

        @Override
        public long nz(long n, long m, long a) {
            return value(n, m, a);
        }

        @Override
        public int carry(long n, long m, long a) {
            return Alu.carry64(n, operand(m), value(n, m, a));
        }

        @Override
        public long overflow(long n, long m, long a) {
            return Alu.overflow64(n, operand(m), value(n, m, a));
        }
    }

    static final class Adds32 extends AddSubExtended implements FlagSetting {
        Adds32(boolean sub, int rd, int rn, int rm, int option, int shift) {
            super(false, sub, true, rd, rn, rm, option, shift);
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
            return (int) n + (int) operand(m) + carry;
        }

        @Override
        public int carry(long n, long m, long a) {
            return Alu.carry32((int) n, (int) operand(m), (int) nz(n, m, a));
        }

        @Override
        public long overflow(long n, long m, long a) {
            return Alu.overflow32((int) n, (int) operand(m), (int) nz(n, m, a));
        }
    }
}
