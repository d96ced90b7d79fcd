/**
 * The host platform model: devices that exist outside any VM ({@link dev.armature.host.HostDevice}), with MMIO
 * registers and level-sensitive interrupt lines on a {@link dev.armature.host.HostInterruptController}. VFIO
 * ({@code dev.armature.vfio}) hands them to a VMM for assignment to a guest.
 */
package dev.armature.host;
