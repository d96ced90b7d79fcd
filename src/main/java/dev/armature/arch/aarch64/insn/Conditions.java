package dev.armature.arch.aarch64.insn;

/** Condition-code mnemonics for disassembly. */
final class Conditions {
    private static final String[] NAMES =
            {"eq", "ne", "hs", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le", "al", "nv"};

    private Conditions() {
    }

    static String name(int cond) {
        return NAMES[cond & 15];
    }
}
