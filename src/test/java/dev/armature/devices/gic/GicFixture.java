package dev.armature.devices.gic;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.CpuMemory;
import dev.armature.arch.aarch64.CpuModel;
import dev.armature.memory.BusMaster;
import dev.armature.memory.PhysicalMemory;

import java.util.ArrayList;
import java.util.List;

/** Real vCPUs over a small physical memory with a GIC mapped at QEMU virt's addresses. */
final class GicFixture implements AutoCloseable {
    static final long GICD = 0x0800_0000L;
    static final long GICC = 0x0801_0000L;
    static final long GICR = 0x080A_0000L;
    static final long SGI_FRAME = 0x1_0000;

    final PhysicalMemory mem = new PhysicalMemory();
    final List<Cpu> cpus = new ArrayList<>();
    final InterruptController gic;

    GicFixture(int version, int nCpus) {
        mem.addRam("ram", 0x4000_0000L, 0x1000);
        gic = version == 2 ? new GicV2(nCpus) : new GicV3(nCpus);
        for (int i = 0; i < nCpus; i++) {
            cpus.add(new Cpu(i, CpuModel.CORTEX_A57, new CpuMemory(mem)));
            gic.connect(i, cpus.get(i));
        }
        for (MmioWindow w : gic.mmioWindows()) {
            mem.addMmio(w.name(), w.base(), w.size(), w.handler());
        }
    }

    /** A 32-bit read issued by vCPU {@code cpu}. */
    long read(int cpu, long pa) {
        return read(cpu, pa, 4);
    }

    long read(int cpu, long pa, int size) {
        BusMaster.set(cpu);
        try {
            return mem.read(pa, size);
        } finally {
            BusMaster.set(BusMaster.NONE);
        }
    }

    void write(int cpu, long pa, long value) {
        write(cpu, pa, 4, value);
    }

    void write(int cpu, long pa, int size, long value) {
        BusMaster.set(cpu);
        try {
            mem.write(pa, size, value);
        } finally {
            BusMaster.set(BusMaster.NONE);
        }
    }

    long sys(int cpu, int key) {
        return gic.cpuInterface(cpu).readSysReg(cpus.get(cpu), key);
    }

    void sys(int cpu, int key, long value) {
        gic.cpuInterface(cpu).writeSysReg(cpus.get(cpu), key, value);
    }

    boolean irq(int cpu) {
        return cpus.get(cpu).irqLine;
    }

    boolean fiq(int cpu) {
        return cpus.get(cpu).fiqLine;
    }

    static long gicr(int cpu) {
        return GICR + cpu * 0x2_0000L;
    }

    @Override
    public void close() {
        mem.close();
    }
}
