package dev.armature.vm;

import dev.armature.devices.gic.IrqForwarding;
import dev.armature.arch.aarch64.Cpu;
import dev.armature.memory.PhysicalMemory;

/**
 * An interrupt-controller model behind a vGIC device: created by a {@link VgicModelFactory} when the vGIC is
 * initialised, mapped into guest memory at the first vCPU run, closed with the VM. Registers are reached
 * 32 bits at a time, as KVM's device attributes reach them; the contract computes GICR_TYPER and GICD_TYPER2
 * itself and never asks the model for them.
 */
public interface VgicModel extends AutoCloseable {
    /** Maps the register frames at the resolved addresses. Called once, before any guest instruction. */
    void map(VgicLayout layout, PhysicalMemory memory);

    /**
     * Reads a register the factory reported with {@link VgicModelFactory#hasRegister}.
     *
     * @param cpu the vCPU whose view is read (redistributor, CPU interface, banked distributor registers)
     */
    int readRegister(RegisterSpace space, Cpu cpu, long offset);

    void writeRegister(RegisterSpace space, Cpu cpu, long offset, int value);

    /** The model's SPI injection and forwarding interface, or null if it has none (KVM_IRQ_LINE and
     * KVM-VFIO forwarding then answer ENXIO). */
    default IrqForwarding irqForwarding() {
        return null;
    }

    @Override
    void close();
}
