package dev.armature.devices.gic;

import dev.armature.memory.MmioHandler;

/**
 * One register window of an interrupt controller that the board maps with
 * {@code PhysicalMemory.addMmio(name, base, size, handler)}.
 */
public record MmioWindow(String name, long base, long size, MmioHandler handler) {
}
