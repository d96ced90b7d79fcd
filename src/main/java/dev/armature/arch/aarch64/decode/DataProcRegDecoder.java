package dev.armature.arch.aarch64.decode;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.Insn;
import dev.armature.arch.aarch64.Undefined;

/** Decodes data processing on registers (op0 = x101). */
public final class DataProcRegDecoder {
    private DataProcRegDecoder() {
    }

    public static Insn decode(int word, CpuModel model) {
        return new Undefined(word);
    }
}
