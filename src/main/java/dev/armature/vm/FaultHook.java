package dev.armature.vm;

/**
 * Called when a vCPU access faults (Unicorn's UC_HOOK_MEM_UNMAPPED and UC_HOOK_MEM_PROT), before the abort is
 * taken. Return {@link HookAction#RESUME} after mapping memory (or changing protection) to retry the faulting
 * instruction, {@link HookAction#STOP} to end the run at it, or {@link HookAction#DELIVER} to let the guest take
 * the abort.
 */
@FunctionalInterface
public interface FaultHook {
    /** Decides what happens to {@code fault}, raised by {@code vcpu} (the vCPU's PC is the faulting instruction). */
    HookAction onFault(Vcpu vcpu, Fault fault);
}
