package dev.armature.vm;

/** Called before each instruction in the hook's address range executes (Unicorn's UC_HOOK_CODE). */
@FunctionalInterface
public interface CodeHook {
    /**
     * Before an instruction executes. Calling {@link Vcpu#stop()} here stops before it.
     *
     * @param address the instruction's virtual address (the vCPU's PC)
     * @param word    its encoding
     */
    void onInstruction(Vcpu vcpu, long address, int word);
}
