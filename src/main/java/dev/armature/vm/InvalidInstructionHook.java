package dev.armature.vm;

/** Called when a vCPU meets an UNDEFINED instruction (EC 0x00), before the exception is taken (UC_HOOK_INSN_INVALID). */
@FunctionalInterface
public interface InvalidInstructionHook {
    /**
     * Decides what happens to the UNDEFINED instruction at {@code address} (the vCPU's PC).
     *
     * @param word the encoding, or 0 if it cannot be re-read
     */
    HookAction onInvalidInstruction(Vcpu vcpu, long address, int word);
}
