package dev.armature.vm;

import dev.armature.devices.gic.IrqForwarding;
import dev.armature.arch.aarch64.Cpu;
import dev.armature.devices.gic.InterruptController;
import dev.armature.memory.PhysicalMemory;

/**
 * An interrupt-controller model behind a vGIC device: created by a {@link VgicModelFactory} when the vGIC is
 * initialised, mapped into guest memory at the first vCPU run, closed with the VM. vCPUs are numbered by
 * creation order ({@link Vcpu#index()}). Registers are reached 32 bits at a time, as KVM's device attributes
 * reach them; the contract computes GICR_TYPER and GICD_TYPER2 itself and never asks the model for them.
 */
public interface VgicModel extends AutoCloseable {
    /**
     * Maps the register frames at the resolved addresses. Called once, before any guest instruction; all or
     * nothing: a refusal (a KvmException) leaves nothing mapped, and the next first run asks again.
     */
    void map(VgicLayout layout, PhysicalMemory memory);

    /**
     * Attaches vCPU {@code vcpuIndex}'s new Cpu (after a reset) in place of {@code previous}: its IRQ/FIQ
     * lines, CPU interface system registers and generic timer outputs. Called outside the VM's lock.
     */
    void connect(int vcpuIndex, Cpu fresh, Cpu previous);

    /**
     * Reads a register the factory reported with {@link VgicModelFactory#hasRegister}, as vCPU
     * {@code vcpuIndex} sees it (redistributor, CPU interface, banked distributor registers), without side
     * effects: reading an acknowledge register acknowledges nothing.
     */
    int readRegister(RegisterSpace space, int vcpuIndex, long offset);

    /** Writes a register the factory reported with {@link VgicModelFactory#hasRegister}, as that vCPU would. */
    void writeRegister(RegisterSpace space, int vcpuIndex, long offset, int value);

    /** The interrupt controller itself, for the VMM's devices and reset (null for a model without one). */
    InterruptController interruptController();

    /** The model's SPI injection and forwarding interface, or null if it has none (KVM_IRQ_LINE and
     * KVM-VFIO forwarding then answer ENXIO). */
    default IrqForwarding irqForwarding() {
        return null;
    }

    @Override
    void close();
}
