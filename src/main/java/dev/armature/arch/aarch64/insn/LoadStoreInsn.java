package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.Insn;

/**
 * Base of the load/store instructions: carries the assembler text the decoder formatted for logs, and the SP
 * alignment check every access with a base register makes first.
 */
public abstract class LoadStoreInsn extends Insn {
    private final String text;

    protected LoadStoreInsn(String text) {
        this.text = text;
    }

    /**
     * The Arm ARM's {@code if n == 31 then CheckSPAlignment()}: the first thing an access based on register
     * {@code rn} does (before the FP enable check and any memory access). Prefetches do not check, and literal
     * loads have no base. Part of the access itself rather than a wrapper so that the interpreter makes one
     * indirect call per instruction; {@code rn} is a final field, so translated code folds the test away.
     */
    protected static void checkBase(Cpu cpu, int rn) {
        if (rn == Cpu.SP) {
            cpu.checkSpAlignment();
        }
    }

    @Override
    public final String toString() {
        return text;
    }
}
