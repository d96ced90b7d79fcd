/**
 * The Arm Generic Interrupt Controller: {@link dev.armature.devices.gic.GicV2} and
 * {@link dev.armature.devices.gic.GicV3} behind one {@link dev.armature.devices.gic.InterruptController}.
 *
 * <h2>Wiring it into a machine</h2>
 * <ul>
 *   <li>Board: create the vCPUs, then {@code new GicV2(cpus)} or {@code new GicV3(cpus)}; map every
 *       {@link dev.armature.devices.gic.MmioWindow} of {@code mmioWindows()} with {@code PhysicalMemory.addMmio};
 *       write {@code /intc} from {@code deviceTree()}; give each CPU the MPIDR affinity {@code affinity(i)} (and
 *       the same value as the DT {@code cpu@N} {@code reg}); call {@code reset()} on system reset.</li>
 *   <li>vCPU threads: each calls {@link dev.armature.memory.BusMaster#set} with its CPU index before running
 *       guest code, so that banked registers (GICD SGI/PPI state, GICC) reach that CPU's bank.</li>
 *   <li>System registers: {@code SysRegs} forwards MRS/MSR whose key satisfies
 *       {@link dev.armature.devices.gic.IccRegisters#isIcc} to {@code gic.cpuInterface(i).readSysReg/writeSysReg}
 *       and reports ID_AA64PFR0_EL1.GIC = 1 when {@code hasSystemRegisters()}.</li>
 *   <li>Interrupt sources: {@code setLevel(intid, level)} / {@code setSpiLevel(spi, level)} for SPIs,
 *       {@code setPrivateLevel(cpu, intid, level)} for PPIs (the generic timer: INTID 27 virtual, 30 physical,
 *       level-sensitive).</li>
 * </ul>
 * The GIC drives each vCPU's inputs through {@code Cpu.setInterruptLines(irq, fiq)}.
 */
package dev.armature.devices.gic;
