/**
 * PCI: the generic ECAM host bridge of the {@code virt} board ({@link dev.armature.devices.pci.PciHost}), the
 * type 0 configuration header its functions share ({@link dev.armature.devices.pci.PciFunction}), and the
 * functions Armature models: QEMU's host bridge and its {@code pci-testdev}.
 *
 * <p>Lock: {@link dev.armature.devices.pci.PciHost}'s lock guards every function's configuration space and
 * device state; the host takes it around each ECAM and window access, so functions do no locking of their own.
 */
package dev.armature.devices.pci;
