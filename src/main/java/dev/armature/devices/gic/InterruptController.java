package dev.armature.devices.gic;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.devices.InterruptLine;
import dev.armature.migration.Snapshottable;

/**
 * The interrupt controller as the board, the generic timer and devices see it, whatever its version.
 *
 * <p>Interrupt numbers are GIC INTIDs: 0-15 SGIs, 16-31 PPIs (banked per CPU), 32 and up SPIs. Device-tree
 * specifiers number SPIs from 0 ({@code <0 n flags>} is INTID 32 + n) and PPIs from 0 ({@code <1 n flags>} is
 * INTID 16 + n). All methods are thread-safe. Its snapshot state is the distributor, every CPU's
 * redistributor/CPU interface, and the input line levels.
 */
public interface InterruptController extends Snapshottable, IrqForwarding {
    /** Architecture version: 2 or 3. */
    int version();

    int cpuCount();

    /** Number of INTIDs implemented (SGIs + PPIs + SPIs), as GICD_TYPER.ITLinesNumber advertises it. */
    int interruptCount();

    /**
     * Drives the input line of an SPI (INTID 32 up). Edge-triggered interrupts become pending on a rising
     * edge; level-sensitive ones are pending while the line is high.
     */
    void setLevel(int intid, boolean level);

    /** {@link #setLevel} with the SPI numbered as in the device tree (INTID = 32 + spi). */
    default void setSpiLevel(int spi, boolean level) {
        setLevel(32 + spi, level);
    }

    /** A device's wire to SPI {@code spi} (numbered as in the device tree). */
    default InterruptLine spiLine(int spi) {
        if (spi < 0 || 32 + spi >= interruptCount()) {
            throw new IllegalArgumentException("SPI " + spi + " does not exist (0.." + (interruptCount() - 33) + ")");
        }
        return level -> setSpiLevel(spi, level);
    }

    /** Drives the input line of a PPI (INTID 16-31) of one CPU, e.g. the generic timer's INTID 27 and 30. */
    void setPrivateLevel(int cpu, int intid, boolean level);

    /** Returns every register to its reset value (system reset); input line levels are kept. */
    void reset();

    /**
     * Attaches the Cpu object vCPU {@code cpu} runs with, whose {@code setInterruptLines} the GIC drives; call it
     * again whenever the vCPU gets a new Cpu (power-on). The current IRQ/FIQ levels are driven onto it at once.
     */
    void connect(int cpu, Cpu target);

    /** The CPU interface of vCPU {@code cpu}, for the ICC_* system registers. */
    GicCpuInterface cpuInterface(int cpu);

    /**
     * Reads the 32-bit register at {@code offset} of {@code frame} as CPU {@code cpu} sees it (its banked
     * registers, its redistributor or CPU interface), without side effects: for userspace (KVM_GET_DEVICE_ATTR),
     * so reading GICC_IAR answers what the guest would read and acknowledges nothing. Unimplemented offsets
     * read as zero.
     *
     * @throws IllegalArgumentException for a frame this GIC version does not have, or a CPU it does not have
     */
    int readRegister(GicFrame frame, int cpu, int offset);

    /** Writes the 32-bit register at {@code offset} of {@code frame} as CPU {@code cpu} would (userspace). */
    void writeRegister(GicFrame frame, int cpu, int offset, int value);
}
