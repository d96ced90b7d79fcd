package dev.armature.machine;

import java.util.List;

/**
 * What the board needs to write the interrupt controller's device-tree node ({@code /intc@8000000}), with the
 * values QEMU 7.2's {@code virt} board emits.
 *
 * @param compatible           {@code "arm,cortex-a15-gic"} (GICv2) or {@code "arm,gic-v3"}
 * @param reg                  the {@code reg} property as (address, size) pairs, flattened
 * @param interruptCells       {@code #interrupt-cells}: 3 (type, number, flags)
 * @param redistributorRegions {@code #redistributor-regions} for GICv3; 0 for GICv2 (property absent)
 * @param ppiCpuMask           GICv2 only: the CPU mask to OR into the flags cell of PPI specifiers (bits 15:8,
 *                             one bit per CPU, e.g. the timer's 0x304 with 2 CPUs); 0 for GICv3
 */
public record GicDeviceTree(String compatible, List<Long> reg, int interruptCells, int redistributorRegions,
                            int ppiCpuMask) {
    /** {@code #interrupt-cells} value for both GIC versions. */
    public static final int INTERRUPT_CELLS = 3;
}
