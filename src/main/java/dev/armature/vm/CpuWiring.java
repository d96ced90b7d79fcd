package dev.armature.vm;

import dev.armature.arch.aarch64.Cpu;

/**
 * How a VMM attaches a vCPU's {@link Cpu} to the parts of its machine the VM does not model: firmware that
 * handles the vCPU's exceptions (the board's PSCI), the system counter its timers read, the TLB shootdown
 * domain. Every reset gives a vCPU a fresh Cpu ({@link Vcpu#init}, PSCI CPU_ON, {@link Vcpu#install}); the VM
 * calls this for it before the vCPU runs, with the vCPU's lock held, so it must not call back into the vCPU.
 * What the VM models itself — MPIDR_EL1 and the vGIC's interrupt lines, ICC_* registers and timer PPIs — is
 * already wired when it is called.
 */
@FunctionalInterface
public interface CpuWiring {
    /** Nothing to attach. */
    CpuWiring NONE = (vcpu, fresh, previous) -> { };

    /**
     * @param fresh the Cpu the vCPU runs from now on
     * @param previous the Cpu it replaces, to detach (never null: a vCPU has a Cpu from its creation)
     */
    void attach(Vcpu vcpu, Cpu fresh, Cpu previous);
}
