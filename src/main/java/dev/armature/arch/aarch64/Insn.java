package dev.armature.arch.aarch64;

/**
 * A decoded A64 instruction: the operands extracted from its encoding and its semantics. Decoded instructions
 * depend only on the 32-bit word and the CPU model, never on their address, so they are shared freely between
 * vCPUs and cached by word. The executor sets {@link Cpu#pc} to the instruction's address and
 * {@link Cpu#nextPc} to pc + 4 before {@link #exec}; branches write {@code nextPc}.
 *
 * <p>This is the one copy of each instruction's semantics: the interpreter calls {@code exec}, and the
 * translator emits calls to the same code (for {@link DataProcessingInsn}s and {@link DirectBranch}es, to the
 * {@code compute} and {@code taken} their {@code exec} calls, with the operands from where it keeps them).
 */
public abstract class Insn {
    /** Executes the instruction. May throw {@link SyncException}. */
    public abstract void exec(Cpu cpu);

    /** True if the instruction may change control flow or CPU mode, so a translation block must end after it. */
    public boolean endsBlock() {
        return false;
    }

    /** Short mnemonic-style description for logs (-d in_asm) and diagnostics. */
    @Override
    public abstract String toString();
}
