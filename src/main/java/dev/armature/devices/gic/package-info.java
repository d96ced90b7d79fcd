/**
 * The Arm Generic Interrupt Controller: {@link dev.armature.devices.gic.GicV2} and
 * {@link dev.armature.devices.gic.GicV3} behind one {@link dev.armature.devices.gic.InterruptController}.
 *
 * <h2>Wiring it into a machine</h2>
 * <ul>
 *   <li>The VM ({@code dev.armature.vm.GicModels}, behind the vGIC device): {@code new GicV2(n, irqs)} or
 *       {@code new GicV3(ids, irqs)} when the vGIC is initialised; at the first vCPU run, map every
 *       {@link dev.armature.devices.gic.MmioWindow} of {@code mmioWindows(...)} (placed where userspace set
 *       the frames) with {@code PhysicalMemory.addMmio}. Userspace register accesses go through
 *       {@code readRegister}/{@code writeRegister}, which have no side effects a read would not have on the
 *       register's value. The board calls {@code reset()} on system reset.</li>
 *   <li>Each time a vCPU gets a Cpu object (power-on): {@code connect(i, cpu)}, so the GIC drives its
 *       {@code setInterruptLines(irq, fiq)}; with GICv3, install the registers of
 *       {@link dev.armature.devices.gic.IccRegisters#ALL} in its system registers, forwarding MRS/MSR to
 *       {@code cpuInterface(i).readSysReg/writeSysReg(cpu, key...)}, and report ID_AA64PFR0_EL1.GIC = 1.</li>
 *   <li>vCPU threads: each calls {@link dev.armature.memory.BusMaster#set} with its CPU index before running
 *       guest code, so that banked registers (GICD SGI/PPI state, GICC) reach that CPU's bank.</li>
 *   <li>Interrupt sources: devices get {@code spiLine(spi)}; {@code setPrivateLevel(cpu, intid, level)} for
 *       PPIs (the generic timer: INTID 27 virtual, 30 physical, 26 hypervisor, level-sensitive).</li>
 * </ul>
 */
package dev.armature.devices.gic;
