package dev.armature.arch.aarch64.decode;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.Insn;
import dev.armature.arch.aarch64.Undefined;

/**
 * Decodes scalar floating point and Advanced SIMD (op0 = x111): op0 of the group is bits[31:28]. Vector
 * AdvSIMD is 0xx0, scalar AdvSIMD 01x1, scalar floating point x0x1.
 */
public final class SimdFpDecoder {
    private SimdFpDecoder() {
    }

    public static Insn decode(int word, CpuModel model) {
        if ((word & (1 << 28)) == 0) {
            return AdvSimdDecoder.vector(word, model);
        }
        if ((word & (1 << 30)) != 0) {
            return AdvSimdDecoder.scalar(word, model);
        }
        return FpDecoder.decode(word, model);
    }
}
