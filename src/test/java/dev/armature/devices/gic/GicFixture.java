package dev.armature.devices.gic;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.CpuMemory;
import dev.armature.arch.aarch64.CpuModel;
import dev.armature.memory.BusMaster;
import dev.armature.memory.PhysicalMemory;

import java.util.ArrayList;
import java.util.List;

/**
 * Real vCPUs over a small physical memory with a GIC laid out as QEMU's virt lays it out: its addresses, its
 * interrupt counts (288 INTIDs on GICv2, 256 on GICv3), 123 redistributors in the first region and the rest in a
 * second one, CPU affinities in clusters of 16.
 */
final class GicFixture implements AutoCloseable {
    static final long GICD = 0x0800_0000L;
    static final long GICC = 0x0801_0000L;
    static final long GICR = 0x080A_0000L;
    static final long GICR2 = 0x40_0000_0000L;
    static final int REGION0_CPUS = 123;
    static final long SGI_FRAME = 0x1_0000;
    static final int V2_IRQS = 288;
    static final int V3_IRQS = 256;

    final PhysicalMemory mem = new PhysicalMemory();
    final List<Cpu> cpus = new ArrayList<>();
    final InterruptController gic;
    final List<MmioWindow> windows;

    GicFixture(int version, int nCpus) {
        mem.addRam("ram", 0x4000_0000L, 0x1000);
        if (version == 2) {
            GicV2 v2 = new GicV2(nCpus, V2_IRQS);
            windows = v2.mmioWindows(GICD, GICC);
            gic = v2;
        } else {
            GicV3 v3 = v3(nCpus);
            windows = v3.mmioWindows(GICD, qemuRedistributors(nCpus));
            gic = v3;
        }
        for (int i = 0; i < nCpus; i++) {
            cpus.add(new Cpu(i, CpuModel.CORTEX_A57, new CpuMemory(mem)));
            gic.connect(i, cpus.get(i));
        }
        for (MmioWindow w : windows) {
            mem.addMmio(w.name(), w.base(), w.size(), w.handler());
        }
    }

    /** A GICv3 for CPUs 0..n-1 with QEMU's affinities (Aff1 = cpu / 16, Aff0 = cpu % 16) and 256 INTIDs. */
    static GicV3 v3(int nCpus) {
        List<GicV3.CpuId> ids = new ArrayList<>();
        for (int c = 0; c < nCpus; c++) {
            ids.add(new GicV3.CpuId(c, (long) (c / 16) << 8 | c % 16));
        }
        return new GicV3(ids, V3_IRQS);
    }

    /** QEMU's redistributor layout: region 0 holds 123, the rest go to region 1; Last ends each region. */
    static List<GicV3.RedistributorPlacement> qemuRedistributors(int nCpus) {
        List<GicV3.RedistributorPlacement> rds = new ArrayList<>();
        int inRegion0 = Math.min(nCpus, REGION0_CPUS);
        for (int c = 0; c < nCpus; c++) {
            boolean last = c == inRegion0 - 1 || c == nCpus - 1;
            rds.add(new GicV3.RedistributorPlacement(gicr(c), last));
        }
        return rds;
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
        return cpu < REGION0_CPUS ? GICR + cpu * 0x2_0000L : GICR2 + (cpu - REGION0_CPUS) * 0x2_0000L;
    }

    @Override
    public void close() {
        mem.close();
    }
}
