package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.Esr;
import dev.armature.arch.aarch64.Insn;
import dev.armature.arch.aarch64.SyncException;

/**
 * SVC, HVC, SMC and BRK: raise a synchronous exception whose syndrome carries imm16. SVC, HVC and SMC return
 * to the next instruction, BRK to itself. HVC and SMC are UNDEFINED at EL0. Otherwise they are raised even
 * when EL2/EL3 are not implemented, so that the board's firmware hook (PSCI over the HVC or SMC conduit, as on
 * QEMU's virt) can claim them; without such a hook the exception path must treat them as UNDEFINED.
 */
public final class ExceptionGeneration extends Insn {
    /** The instructions, with their exception class and mnemonic. */
    public enum Kind {
        SVC(Esr.EC_SVC64, true, false), HVC(Esr.EC_HVC64, true, true), SMC(Esr.EC_SMC64, true, true),
        BRK(Esr.EC_BRK64, false, false);

        final int ec;
        final boolean returnsToNext;
        final boolean undefinedAtEl0;

        Kind(int ec, boolean returnsToNext, boolean undefinedAtEl0) {
            this.ec = ec;
            this.returnsToNext = returnsToNext;
            this.undefinedAtEl0 = undefinedAtEl0;
        }
    }

    private final Kind kind;
    private final int imm16;

    public ExceptionGeneration(Kind kind, int imm16) {
        this.kind = kind;
        this.imm16 = imm16;
    }

    @Override
    public void exec(Cpu cpu) {
        if (kind.undefinedAtEl0 && cpu.el == 0) {
            throw SyncException.undefined(cpu.pc);
        }
        throw new SyncException(kind.ec, imm16, 0, false, kind.returnsToNext ? cpu.pc + 4 : cpu.pc);
    }

    @Override
    public boolean endsBlock() {
        return true;
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase() + " #0x" + Integer.toHexString(imm16);
    }
}
