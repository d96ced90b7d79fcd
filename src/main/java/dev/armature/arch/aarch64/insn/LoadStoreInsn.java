package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Insn;

/** Base of the load/store instructions: carries the assembler text the decoder formatted for logs. */
public abstract class LoadStoreInsn extends Insn {
    private final String text;

    protected LoadStoreInsn(String text) {
        this.text = text;
    }

    @Override
    public final String toString() {
        return text;
    }
}
