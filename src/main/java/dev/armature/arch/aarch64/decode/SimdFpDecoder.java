package dev.armature.arch.aarch64.decode;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.Insn;
import dev.armature.arch.aarch64.Undefined;

/** Decodes scalar floating point and Advanced SIMD (op0 = x111). */
public final class SimdFpDecoder {
    private SimdFpDecoder() {
    }

    public static Insn decode(int word, CpuModel model) {
        return new Undefined(word);
    }
}
