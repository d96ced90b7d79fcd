package dev.armature.arch.aarch64.decode;

import dev.armature.arch.aarch64.Insn;
import dev.armature.arch.aarch64.Undefined;

/** Decodes scalar FP arithmetic, compare and select. */
final class FpArithmeticDecoder {
    private FpArithmeticDecoder() {
    }

    static Insn oneSource(int word, int ptype) {
        return new Undefined(word);
    }

    static Insn twoSource(int word, int ptype) {
        return new Undefined(word);
    }

    static Insn threeSource(int word, int ptype) {
        return new Undefined(word);
    }

    static Insn compare(int word, int ptype) {
        return new Undefined(word);
    }

    static Insn conditionalCompare(int word, int ptype) {
        return new Undefined(word);
    }

    static Insn conditionalSelect(int word, int ptype) {
        return new Undefined(word);
    }
}
