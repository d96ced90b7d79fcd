/**
 * GDB remote serial protocol stub ({@code -s}, {@code -gdb tcp::PORT}, {@code -S}): {@link
 * dev.armature.gdbstub.GdbServer} listens, a {@code GdbSession} serves one debugger over {@code PacketIo} framing.
 * vCPUs are threads (id = index + 1), all-stop; the target description is GDB's standard AArch64 core and fpu
 * features. Run control, breakpoints and watchpoints come from {@link dev.armature.machine.MachineControl}.
 */
package dev.armature.gdbstub;
