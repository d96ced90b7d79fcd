/**
 * VFIO for host platform devices: a VMM opens a {@link dev.armature.host.HostDevice} as a VFIO device file
 * ({@link dev.armature.vfio.Vfio}), reaches its registers, and takes its interrupts either through userspace
 * signalling ({@link dev.armature.vfio.UserspaceIrqRoute}: masked until the guest's EOI) or forwarded to the
 * vGIC through the KVM-VFIO device ({@link dev.armature.vm.KvmVfioDevice}). See docs/vfio.md.
 */
package dev.armature.vfio;
