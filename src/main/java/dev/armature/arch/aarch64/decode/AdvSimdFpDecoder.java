package dev.armature.arch.aarch64.decode;

import dev.armature.arch.aarch64.Insn;
import dev.armature.arch.aarch64.Undefined;

/**
 * Decodes the floating-point encodings inside the Advanced SIMD groups (vector and scalar). Vector floating
 * point is not implemented yet: these encodings are UNDEFINED for now.
 */
final class AdvSimdFpDecoder {
    private AdvSimdFpDecoder() {
    }

    /** VFPExpandImm: the 8-bit FP immediate as an N-bit (32 or 64) IEEE value. */
    static long expandFpImm(int imm8, int n) {
        int e = n == 32 ? 8 : 11;
        int f = n - e - 1;
        long sign = imm8 >>> 7 & 1;
        long b6 = imm8 >>> 6 & 1;
        long exp = (b6 ^ 1) << (e - 1) | (b6 == 1 ? ((1L << (e - 3)) - 1) << 2 : 0) | (imm8 >>> 4 & 3);
        long frac = (long) (imm8 & 0xf) << (f - 4);
        return sign << (n - 1) | exp << f | frac;
    }

    /** The integer by-element instruction, or the FP one when {@code integer} is null. */
    static Insn indexedOr(int word, Insn integer) {
        return integer != null ? integer : new Undefined(word);
    }

    static Insn threeSame(int word, boolean scalar) {
        return new Undefined(word);
    }

    static Insn twoRegMisc(int word, boolean scalar) {
        return new Undefined(word);
    }

    static Insn acrossLanes(int word) {
        return new Undefined(word);
    }

    static Insn scalarPairwise(int word) {
        return new Undefined(word);
    }

    static Insn shiftImmediate(int word, boolean scalar) {
        return new Undefined(word);
    }
}
