package dev.armature.vm;

/**
 * Called before a vCPU takes an exception or interrupt (Unicorn's UC_HOOK_INTR), after the more specific
 * {@link FaultHook}s and {@link InvalidInstructionHook}s declined it. {@link HookAction#RESUME} skips the
 * exception entry (e.g. a system call emulated by the host: the PC is already past the SVC).
 */
@FunctionalInterface
public interface InterruptHook {
    /** Decides what happens to the exception or interrupt {@code event} of {@code vcpu}. */
    HookAction onException(Vcpu vcpu, ExceptionEvent event);
}
