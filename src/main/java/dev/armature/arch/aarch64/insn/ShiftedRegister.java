package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.DataProcessingInsn;
import dev.armature.arch.aarch64.Insn;

/**
 * Base of instructions whose second operand is a shifted register (logical and add/sub, shifted register),
 * optionally inverted (BIC, ORN, EON, BICS, SUB). The shift type is folded at decode time into one
 * branch-free form, {@code ((v >> sa) & maskR) | ((v << sl) & maskL)}:
 * LSL a = (0, 0, a, ~0); LSR a = (a, ~0 >>> a, 0, 0); ASR a = (a, ~0, 0, 0); ROR a = (a, ~0 >>> a, w - a, ~0).
 * For 32-bit operations the same fields are used on {@code int}s.
 */
public abstract class ShiftedRegister extends DataProcessingInsn {
    /** Shift types, in the encoding's order. */
    public enum Shift { LSL, LSR, ASR, ROR }

    private final int sa;
    private final long maskR;
    private final int sl;
    private final long maskL;
    /** All ones when the shifted operand is inverted, else 0. */
    private final long invert;
    private final Shift shift;
    private final int amount;

    protected ShiftedRegister(int rd, int rn, int rm, Shift shift, int amount, boolean sf, boolean invert) {
        super(rd, rn, rm, Cpu.XZR);
        this.shift = shift;
        this.amount = amount;
        this.invert = invert ? -1L : 0;
        int width = sf ? 64 : 32;
        long ones = sf ? -1L : 0xffff_ffffL;
        if (amount == 0 || shift == Shift.LSL) {
            sa = 0;
            maskR = amount == 0 ? -1L : 0;
            sl = amount;
            maskL = amount == 0 ? 0 : -1L;
        } else if (shift == Shift.ASR) {
            sa = amount;
            maskR = -1L;
            sl = 0;
            maskL = 0;
        } else { // LSR, ROR: logical right shift within the operation size
            sa = amount;
            maskR = ones >>> amount;
            sl = shift == Shift.ROR ? width - amount : 0;
            maskL = shift == Shift.ROR ? -1L : 0;
        }
    }

    /** The 64-bit second operand. */
    protected final long operand64(long m) {
        long v = m;
        return (((v >> sa) & maskR) | ((v << sl) & maskL)) ^ invert;
    }

    /** The 32-bit second operand. */
    protected final int operand32(long m) {
        int v = (int) m;
        return (((v >> sa) & (int) maskR) | ((v << sl) & (int) maskL)) ^ (int) invert;
    }

    /** Operand text for disassembly: "rm" or "rm, shift #amount". */
    protected final String operandText(boolean sf) {
        return Reg.name(rm, sf) + (amount == 0 ? "" : ", " + shift.name().toLowerCase() + " #" + amount);
    }

    protected final boolean inverted() {
        return invert != 0;
    }
}
