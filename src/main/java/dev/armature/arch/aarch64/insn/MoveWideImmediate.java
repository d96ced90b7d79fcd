package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.DataProcessingInsn;
import dev.armature.arch.aarch64.Insn;

/** MOVN, MOVZ, MOVK. MOVN and MOVZ write a constant known at decode time. */
public abstract class MoveWideImmediate extends DataProcessingInsn {
    protected final boolean sf;

    /** @param keep whether the instruction keeps part of Rd (MOVK), which it then reads as its third operand */
    private MoveWideImmediate(int rd, boolean sf, boolean keep) {
        super(rd, Cpu.XZR, Cpu.XZR, keep ? rd : Cpu.XZR);
        this.sf = sf;
    }

    /** MOVZ (inverted = false) or MOVN (inverted = true) of {@code imm16 << shift}. */
    public static Insn constant(boolean sf, boolean inverted, int rd, int imm16, int shift) {
        long v = (long) imm16 << shift;
        if (inverted) {
            v = ~v;
        }
        return new Constant(rd, sf, sf ? v : v & 0xffff_ffffL);
    }

    public static Insn keep(boolean sf, int rd, int imm16, int shift) {
        return new Keep(rd, sf, imm16, shift);
    }

    /** MOVZ/MOVN: the register receives a constant. */
    static final class Constant extends MoveWideImmediate {
        private final long value;

        Constant(int rd, boolean sf, long value) {
            super(rd, sf, false);
            this.value = value;
        }

        @Override
        public void exec(Cpu cpu) {
            cpu.r[rd] = compute(cpu, 0, 0, 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return value;
        }

        @Override
        public String toString() {
            return "mov " + Reg.name(rd, sf) + ", " + Reg.hex(value);
        }
    }

    /** MOVK: replaces one 16-bit field, keeping the rest of the register. */
    static final class Keep extends MoveWideImmediate {
        private final long keepMask;
        private final long bits;
        private final int imm16;
        private final int shift;

        Keep(int rd, boolean sf, int imm16, int shift) {
            super(rd, sf, true);
            this.imm16 = imm16;
            this.shift = shift;
            this.keepMask = ~(0xffffL << shift) & (sf ? -1L : 0xffff_ffffL);
            this.bits = (long) imm16 << shift;
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, 0, 0, r[ra]);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return (a & keepMask) | bits;
        }

        @Override
        public String toString() {
            return "movk " + Reg.name(rd, sf) + ", " + Reg.hex(imm16) + ", lsl #" + shift;
        }
    }
}
