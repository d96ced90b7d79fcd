package dev.armature.arch.aarch64.decode;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.Insn;
import dev.armature.arch.aarch64.Undefined;

/** Decodes data processing with immediates (op0 = 100x). */
public final class DataProcImmDecoder {
    private DataProcImmDecoder() {
    }

    public static Insn decode(int word, CpuModel model) {
        return new Undefined(word);
    }
}
