package dev.armature.arch.aarch64.decode;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.Insn;
import dev.armature.arch.aarch64.Undefined;

/** Decodes branches, exception generation and system instructions (op0 = 101x). */
public final class BranchSystemDecoder {
    private BranchSystemDecoder() {
    }

    public static Insn decode(int word, CpuModel model) {
        return new Undefined(word);
    }
}
