package dev.armature.arch.aarch64.decode;

import dev.armature.arch.aarch64.Cpu;

/**
 * Resolves a 5-bit register field to an index into {@link Cpu#r}, once at decode time, according to what
 * register 31 means for that operand: the zero register for reads, the write sink for writes, or SP.
 */
final class RegisterOperands {
    private RegisterOperands() {
    }

    /** Register field at bit {@code lsb}: 31 reads as zero (XZR/WZR). */
    static int zr(int word, int lsb) {
        return (word >>> lsb) & 31;
    }

    /** Destination field at bit {@code lsb}: 31 discards the result (XZR/WZR). */
    static int zrDest(int word, int lsb) {
        int n = (word >>> lsb) & 31;
        return n == 31 ? Cpu.SINK : n;
    }

    /** Register field at bit {@code lsb}: 31 is the current stack pointer (SP/WSP). */
    static int sp(int word, int lsb) {
        int n = (word >>> lsb) & 31;
        return n == 31 ? Cpu.SP : n;
    }
}
