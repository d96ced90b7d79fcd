package dev.armature.arch.aarch64.decode;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.Feature;
import dev.armature.arch.aarch64.Insn;
import dev.armature.arch.aarch64.Undefined;

/**
 * Decodes scalar floating point and Advanced SIMD (op0 = x111): op0 of the group is bits[31:28]. Vector
 * AdvSIMD is 0xx0, scalar AdvSIMD 01x1, scalar floating point x0x1. Gated on Feature.FP and Feature.ASIMD.
 */
public final class SimdFpDecoder {
    private SimdFpDecoder() {
    }

    public static Insn decode(int word, CpuModel model) {
        boolean scalarFp = (word & (1 << 28)) != 0 && (word & (1 << 30)) == 0;
        if (!model.has(scalarFp ? Feature.FP : Feature.ASIMD)) {
            return new Undefined(word);
        }
        if (scalarFp) {
            return FpDecoder.decode(word, model);
        }
        return (word & (1 << 28)) == 0 ? AdvSimdDecoder.vector(word, model) : AdvSimdDecoder.scalar(word, model);
    }
}
