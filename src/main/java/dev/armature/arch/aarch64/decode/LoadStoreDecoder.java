package dev.armature.arch.aarch64.decode;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.Insn;
import dev.armature.arch.aarch64.Undefined;

/** Decodes loads and stores (op0 = x1x0). */
public final class LoadStoreDecoder {
    private LoadStoreDecoder() {
    }

    public static Insn decode(int word, CpuModel model) {
        return new Undefined(word);
    }
}
