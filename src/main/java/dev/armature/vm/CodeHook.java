package dev.armature.vm;

/** Called before each instruction in the hook's address range executes (Unicorn's UC_HOOK_CODE). */
@FunctionalInterface
public interface CodeHook {
    /**
     * @param address the instruction's virtual address (the vCPU's PC)
     * @param word    its encoding
     *                <p>Calling {@link Vcpu#stop()} here stops before the instruction executes.
     */
    void onInstruction(Vcpu vcpu, long address, int word);
}
