/**
 * QMP monitor ({@code -qmp unix:PATH,server=on,wait=off} or {@code tcp:HOST:PORT,...}): {@link
 * dev.armature.monitor.QmpServer} accepts clients, a {@code QmpSession} runs QMP commands (JSON with Jackson, one
 * object per line) and sends events, and {@code HumanMonitor} runs the HMP commands of
 * {@code human-monitor-command}. Run control comes from {@link dev.armature.machine.MachineControl}, shared with the
 * GDB stub.
 */
package dev.armature.monitor;
