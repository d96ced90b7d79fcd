package dev.armature.vm;

/**
 * Called before each block whose first instruction is in the hook's address range (Unicorn's UC_HOOK_BLOCK). A
 * block is what the translator makes one translation block of: instructions up to and including the first
 * branch, exception-generating, system-register or barrier instruction, the end of the 4 KiB page, or 128
 * instructions (the {@code tb-insns} option). The interpreter forms the same blocks while a hook is installed.
 */
@FunctionalInterface
public interface BlockHook {
    /**
     * Before a block runs. Calling {@link Vcpu#stop()} here stops before it.
     *
     * @param address      the block's first virtual address (the vCPU's PC)
     * @param instructions its length in instructions; fewer may run if one raises an exception
     */
    void onBlock(Vcpu vcpu, long address, int instructions);
}
