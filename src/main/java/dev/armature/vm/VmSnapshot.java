package dev.armature.vm;

import java.util.List;

/**
 * A whole-VM snapshot held in memory ({@link Vm#saveSnapshot()}): RAM contents and the vCPUs' states in the
 * migration format's vCPU record. Immutable; restore it any number of times with {@link Vm#restoreSnapshot}.
 */
public final class VmSnapshot {
    /** One RAM region's contents. */
    record RamCopy(long base, long size, byte[] bytes) {
    }

    private final Vm vm;
    private final List<RamCopy> ram;
    private final List<byte[]> cpus;

    VmSnapshot(Vm vm, List<RamCopy> ram, List<byte[]> cpus) {
        this.vm = vm;
        this.ram = List.copyOf(ram);
        this.cpus = List.copyOf(cpus);
    }

    Vm vm() {
        return vm;
    }

    List<RamCopy> ram() {
        return ram;
    }

    List<byte[]> cpus() {
        return cpus;
    }

    /** Bytes of RAM held. */
    public long ramBytes() {
        return ram.stream().mapToLong(RamCopy::size).sum();
    }
}
