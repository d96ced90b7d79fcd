package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;

/** Register names for disassembly text ({@link dev.armature.arch.aarch64.Insn#toString}). */
final class Reg {
    private Reg() {
    }

    /** Name of register-file index {@code n} as a 64-bit ({@code sf}) or 32-bit operand. */
    static String name(int n, boolean sf) {
        if (n == Cpu.SP) {
            return sf ? "sp" : "wsp";
        }
        if (n == Cpu.XZR || n == Cpu.SINK) {
            return sf ? "xzr" : "wzr";
        }
        return (sf ? "x" : "w") + n;
    }

    static String x(int n) {
        return name(n, true);
    }

    static String w(int n) {
        return name(n, false);
    }

    static String hex(long v) {
        return "#0x" + Long.toHexString(v);
    }
}
