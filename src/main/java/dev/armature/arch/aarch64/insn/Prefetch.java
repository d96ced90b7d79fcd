package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;

/**
 * PRFM (immediate, literal, register) and PRFUM: a hint. There are no caches to warm, and a prefetch never
 * faults, so it does nothing (not even compute its address).
 */
public final class Prefetch extends LoadStoreInsn {
    public Prefetch(String text) {
        super(text);
    }

    @Override
    public void exec(Cpu cpu) {
        // A hint with no architectural effect.
    }
}
