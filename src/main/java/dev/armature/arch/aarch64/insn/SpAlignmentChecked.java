package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.Insn;

/**
 * A load or store whose base register is SP: runs the Arm ARM's CheckSPAlignment() before the access it wraps,
 * so a misaligned SP raises the SP alignment fault (EC 0x26) when SCTLR_ELx.SA/SA0 enable the check. The decoder
 * wraps every SP-based load/store except prefetches (PRFM does not check) and literal loads (no base register).
 */
public final class SpAlignmentChecked extends Insn {
    private final Insn access;

    public SpAlignmentChecked(Insn access) {
        this.access = access;
    }

    @Override
    public void exec(Cpu cpu) {
        cpu.checkSpAlignment();
        access.exec(cpu);
    }

    @Override
    public boolean endsBlock() {
        return access.endsBlock();
    }

    @Override
    public String toString() {
        return access.toString();
    }
}
