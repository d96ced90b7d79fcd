package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Insn;

/** Base of the scalar FP and Advanced SIMD instructions: carries the text the decoder formatted for logs. */
public abstract class SimdFpInsn extends Insn {
    private final String text;

    protected SimdFpInsn(String text) {
        this.text = text;
    }

    @Override
    public final String toString() {
        return text;
    }
}
