package dev.armature.vm;

/** What a fault, invalid-instruction or exception hook decides. */
public enum HookAction {
    /** Not handled here: ask the next hook, and if none handles it, take the exception as the architecture does. */
    DELIVER,
    /**
     * Handled: continue at the vCPU's PC, which is preset to the exception's preferred return address — the
     * faulting instruction for aborts and undefined instructions (so it is retried, e.g. after the hook mapped
     * memory), the next instruction for SVC/HVC. The hook may change the PC and any other register.
     */
    RESUME,
    /** Stop the run: {@link Vcpu#start} returns {@link ExitReason#EXIT_REQUEST} with the PC at that instruction. */
    STOP
}
