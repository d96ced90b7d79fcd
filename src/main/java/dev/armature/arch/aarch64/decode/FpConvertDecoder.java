package dev.armature.arch.aarch64.decode;

import dev.armature.arch.aarch64.Insn;
import dev.armature.arch.aarch64.Undefined;

/** Decodes conversions between floating point and integer or fixed point. */
final class FpConvertDecoder {
    private FpConvertDecoder() {
    }

    static Insn integer(int word, int ptype) {
        return new Undefined(word);
    }

    static Insn fixedPoint(int word, int ptype) {
        return new Undefined(word);
    }
}
