package dev.armature.arch.aarch64;

import dev.armature.arch.aarch64.decode.BranchSystemDecoder;
import dev.armature.arch.aarch64.decode.DataProcImmDecoder;
import dev.armature.arch.aarch64.decode.DataProcRegDecoder;
import dev.armature.arch.aarch64.decode.LoadStoreDecoder;
import dev.armature.arch.aarch64.decode.SimdFpDecoder;

/**
 * The A64 decoder: total over all 2^32 words. Every word becomes an {@link Insn}; unallocated encodings and
 * those beyond the CPU model's features become {@link Undefined}. It never throws.
 *
 * <p>Top-level dispatch on op0 = bits[28:25] (Arm ARM C4.1).
 */
public final class Decoder {
    private Decoder() {
    }

    public static Insn decode(int word, CpuModel model) {
        int op0 = (word >>> 25) & 0xf;
        return switch (op0) {
            case 0b1000, 0b1001 -> DataProcImmDecoder.decode(word, model);
            case 0b1010, 0b1011 -> BranchSystemDecoder.decode(word, model);
            case 0b0100, 0b0110, 0b1100, 0b1110 -> LoadStoreDecoder.decode(word, model);
            case 0b0101, 0b1101 -> DataProcRegDecoder.decode(word, model);
            case 0b0111, 0b1111 -> SimdFpDecoder.decode(word, model);
            default -> new Undefined(word); // UDF, SME/SVE and unallocated space
        };
    }
}
