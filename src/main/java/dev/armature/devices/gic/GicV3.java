package dev.armature.devices.gic;

import java.util.ArrayList;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * A GICv3 with affinity routing and a single security state (GICD_CTLR.ARE = DS = 1), no LPIs and no ITS, as
 * QEMU 7.2's {@code virt} board places it: distributor at 0x0800_0000, one 128 KiB redistributor (RD and SGI
 * frames) per vCPU from 0x080A_0000 (123 fit there; further ones go to a second region at 0x40_0000_0000, as
 * QEMU does), CPU interface through the ICC_* system registers ({@link GicV3CpuInterface}).
 *
 * <p>Values observed on QEMU 7.2 (tools/qemu-probes/gic): GICD_CTLR resets to 0x50 (ARE, DS) with EnableGrp0/1
 * writable; ITLinesNumber 7 (256 INTIDs, "224 SPIs"); GICD/GICR_IIDR = 0x43b; PIDR2 = 0x3b (ArchRev 3);
 * GICR_WAKER resets to ProcessorSleep | ChildrenAsleep and ChildrenAsleep follows ProcessorSleep at once;
 * GICR_ICFGR0 = 0xaaaaaaaa, PPIs level-sensitive at reset and configurable; 5 priority bits in the CPU
 * interface (the distributor keeps 8); ICC_BPR0/1 reset to their minimums 2 and 3; ICC_SRE_EL1 = 7 fixed.
 *
 * <p>Deliberate differences from QEMU: no LPIs (GICD_TYPER.LPIS = 0 and IDbits = 9, GICR_TYPER.PLPIS = 0,
 * GICR_CTLR = 0; QEMU advertises LPIs even with {@code its=off}); 1-of-N routing is supported (GICD_TYPER.No1N
 * = 0, GICD_IROUTER.IRM = 1 routes to any CPU: all are signalled and the first to acknowledge takes it);
 * GICD_IROUTER keeps only its architected fields. GICR_WAKER.ProcessorSleep does not gate delivery.
 *
 * <p>Locking: see {@link Gic}.
 */
public final class GicV3 extends Gic {
    public static final long DIST_BASE = 0x0800_0000L;
    public static final long DIST_SIZE = 0x1_0000;
    public static final long REDIST_BASE = 0x080A_0000L;
    public static final long REDIST_REGION_SIZE = 0xF6_0000L;
    public static final long REDIST2_BASE = 0x40_0000_0000L;
    public static final long REDIST2_REGION_SIZE = 0x400_0000L;
    /** RD_base + SGI_base frames of one redistributor. */
    public static final long REDIST_STRIDE = 0x2_0000;
    public static final int MAX_CPUS = 512;
    public static final int INTERRUPTS = 256;
    /** Aff0 values per Aff1 cluster that QEMU's virt uses with GICv3 (the SGI target list width). */
    static final int CLUSTER_SIZE = 16;
    static final int IIDR = 0x43b;
    /** GICD_IROUTER's architected bits: Aff3 (39:32), IRM (31), Aff2..Aff0 (23:0). */
    static final long IROUTER_MASK = 0xff_80ff_ffffL;
    static final long IROUTER_IRM = 1L << 31;
    /** PIDR4-7, PIDR0-3, CIDR0-3 at 0xFFD0; PIDR0 differs between distributor (0x92) and redistributor (0x93). */
    private static final int[] DIST_IDS = {0x44, 0, 0, 0, 0x92, 0xb4, 0x3b, 0, 0x0d, 0xf0, 0x05, 0xb1};
    private static final int[] REDIST_IDS = {0x44, 0, 0, 0, 0x93, 0xb4, 0x3b, 0, 0x0d, 0xf0, 0x05, 0xb1};

    // GICD_IROUTER<n> and GICR_WAKER.ProcessorSleep: set by resetVersionState(), which the Gic constructor calls.
    private long[] route;
    private boolean[] processorSleep;
    private final GicV3CpuInterface[] cpuInterfaces;
    private final int cpusInRegion0;
    private final List<MmioWindow> windows;

    /**
     * A GICv3 for {@code nCpus} vCPUs; {@link #connect} each vCPU's Cpu before it runs.
     *
     * @throws IllegalArgumentException for 0 or more than 512 CPUs (QEMU virt's limit)
     */
    public GicV3(int nCpus) {
        super(checkCount(nCpus), INTERRUPTS, 5, 2, true);
        cpuInterfaces = new GicV3CpuInterface[nCpus];
        for (int c = 0; c < nCpus; c++) {
            cpuInterfaces[c] = new GicV3CpuInterface(this, c);
        }
        cpusInRegion0 = (int) Math.min(nCpus, REDIST_REGION_SIZE / REDIST_STRIDE);
        List<MmioWindow> w = new ArrayList<>();
        w.add(new MmioWindow("gicv3-dist", DIST_BASE, DIST_SIZE, new Distributor()));
        w.add(new MmioWindow("gicv3-redist", REDIST_BASE, cpusInRegion0 * REDIST_STRIDE,
                new Redistributors(REDIST_BASE, 0, cpusInRegion0)));
        if (nCpus > cpusInRegion0) {
            w.add(new MmioWindow("gicv3-redist2", REDIST2_BASE, (nCpus - cpusInRegion0) * REDIST_STRIDE,
                    new Redistributors(REDIST2_BASE, cpusInRegion0, nCpus - cpusInRegion0)));
        }
        windows = List.copyOf(w);
    }

    @Override
    void resetVersionState() {
        route = new long[INTERRUPTS];
        processorSleep = new boolean[nCpus];
        Arrays.fill(processorSleep, true);
    }

    @Override
    void saveVersionState(DataOutput out) throws IOException {
        for (long r : route) {
            out.writeLong(r);
        }
        for (boolean sleep : processorSleep) {
            out.writeBoolean(sleep);
        }
    }

    @Override
    Runnable loadVersionState(DataInput in) throws IOException {
        long[] r = new long[INTERRUPTS];
        for (int i = 0; i < r.length; i++) {
            r[i] = in.readLong() & IROUTER_MASK;
        }
        boolean[] sleep = new boolean[nCpus];
        for (int c = 0; c < nCpus; c++) {
            sleep[c] = in.readBoolean();
        }
        return () -> {
            route = r;
            processorSleep = sleep;
        };
    }

    private static int checkCount(int nCpus) {
        if (nCpus < 1) {
            throw new IllegalArgumentException("a GIC needs at least one CPU");
        }
        if (nCpus > MAX_CPUS) {
            throw new IllegalArgumentException(String.format(
                    "Invalid SMP CPUs %d. The max CPUs supported by machine 'virt-7.2' is %d", // QEMU's words
                    nCpus, MAX_CPUS));
        }
        return nCpus;
    }

    @Override
    public int version() {
        return 3;
    }

    @Override
    boolean targets(int intid, int cpu) {
        long r = route[intid];
        if ((r & IROUTER_IRM) != 0) {
            return true;
        }
        return (r & 0xff_00ff_ffffL) == affinity(cpu); // IROUTER and affinity() share one layout
    }

    @Override
    boolean group0IsFiq(int cpu) {
        return true; // single security state: Group 0 is always FIQ
    }

    @Override
    public GicCpuInterface cpuInterface(int cpu) {
        checkCpu(cpu);
        return cpuInterfaces[cpu];
    }

    @Override
    public long affinity(int cpu) {
        checkCpu(cpu);
        return (long) (cpu / CLUSTER_SIZE) << 8 | cpu % CLUSTER_SIZE;
    }

    @Override
    public List<MmioWindow> mmioWindows() {
        return windows;
    }

    @Override
    public GicDeviceTree deviceTree() {
        List<Long> reg = new ArrayList<>(List.of(DIST_BASE, DIST_SIZE, REDIST_BASE, REDIST_REGION_SIZE));
        if (nCpus > cpusInRegion0) {
            reg.addAll(List.of(REDIST2_BASE, REDIST2_REGION_SIZE));
        }
        return new GicDeviceTree("arm,gic-v3", List.copyOf(reg), GicDeviceTree.INTERRUPT_CELLS,
                nCpus > cpusInRegion0 ? 2 : 1, 0);
    }

    /**
     * Generates SGIs from {@code source} as ICC_SGI1R_EL1 / ICC_SGI0R_EL1 describe them: INTID in bits 27:24,
     * IRM (bit 40) = all CPUs but the sender, else the CPUs Aff3.Aff2.Aff1 (bits 55:48, 39:32, 23:16) with Aff0
     * = RS (bits 47:44) * 16 + n for each bit n of the target list (15:0). With a single security state SGI1R
     * pends the SGI whatever its group; SGI0R (and ASGI1R) only if it is Group 0 on the target.
     */
    void sendSgi(int source, long value, boolean group0Only) {
        int sgi = (int) (value >>> 24) & 0xf;
        boolean irm = (value >>> 40 & 1) != 0;
        long cluster = (value >>> 48 & 0xff) << 32 | (value >>> 32 & 0xff) << 16 | (value >>> 16 & 0xff) << 8;
        int rs = (int) (value >>> 44) & 0xf;
        for (int t = 0; t < nCpus; t++) {
            boolean hit;
            if (irm) {
                hit = t != source;
            } else {
                long aff = affinity(t);
                int aff0 = (int) aff & 0xff;
                hit = (aff & ~0xffL) == cluster && aff0 >> 4 == rs && (value >>> (aff0 & 15) & 1) != 0;
            }
            if (hit && (!group0Only || group(t, sgi) == 0)) {
                banked[t].latch[0] |= 1 << sgi;
                update(t);
            }
        }
    }

    /** The distributor frame: SPIs only (with ARE, the SGI/PPI registers live in the redistributors). */
    private final class Distributor extends RegisterWindow {
        Distributor() {
            super(GicV3.this, DIST_BASE);
        }

        @Override
        int cpu(long offset) {
            return 0; // nothing here is banked
        }

        @Override
        int readWord(int cpu, int off) {
            if (off == 0x0000) {
                return distGroupEnable | 0x10 | 0x40; // ARE, DS: fixed
            } else if (off == 0x0004) {
                return (words - 1) | 9 << 19 | 1 << 24; // ITLinesNumber, IDbits = 10 bits, A3V
            } else if (off == 0x0008) {
                return IIDR;
            } else if (off >= 0x0080 && off < 0x0400) {
                int n = (off & 0x7f) >> 2;
                return n == 0 ? 0 : readBits(BitReg.values()[(off - 0x080) >> 7], 0, n);
            } else if (off >= 0x0420 && off < 0x0800) {
                int word = 0;
                for (int i = 0, intid = off - 0x400; i < 4 && intid + i < nIrqs; i++) {
                    word |= priority(0, intid + i) << (8 * i);
                }
                return word;
            } else if (off >= 0x0c08 && off < 0x0d00) {
                return readConfig(0, (off - 0xc00) >> 2);
            } else if (off >= 0x6100 && off < 0x6000 + 8 * nIrqs) {
                long r = route[(off - 0x6000) >> 3];
                return (int) ((off & 4) == 0 ? r : r >>> 32);
            } else if (off >= 0xffd0) {
                return idRegister(DIST_IDS, off - 0xffd0);
            }
            return 0;
        }

        @Override
        void writeWord(int cpu, int off, int value, int byteMask) {
            if (off == 0x0000) {
                distGroupEnable = value & byteMask & 3;
                updateAll();
            } else if (off >= 0x0080 && off < 0x0400) {
                int n = (off & 0x7f) >> 2;
                if (n != 0) {
                    writeBits(BitReg.values()[(off - 0x080) >> 7], 0, n, value, byteMask, 0);
                }
            } else if (off >= 0x0420 && off < 0x0800) {
                int intid = off - 0x400;
                for (int i = 0; i < 4 && intid + i < nIrqs; i++) {
                    if ((byteMask >>> (8 * i) & 0xff) != 0) {
                        setPriority(0, intid + i, value >>> (8 * i) & 0xff);
                    }
                }
                updateAll();
            } else if (off >= 0x0c08 && off < 0x0d00) {
                writeConfig(0, (off - 0xc00) >> 2, value, byteMask);
            } else if (off >= 0x6100 && off < 0x6000 + 8 * nIrqs) {
                int intid = (off - 0x6000) >> 3;
                int shift = (off & 4) * 8;
                long mask = (byteMask & 0xffff_ffffL) << shift;
                route[intid] = (route[intid] & ~mask | (value & 0xffff_ffffL) << shift & mask) & IROUTER_MASK;
                updateAll();
            }
        }
    }

    /** A run of redistributors, one 128 KiB RD + SGI frame pair per CPU from {@code firstCpu}. */
    private final class Redistributors extends RegisterWindow {
        private final int firstCpu;
        private final int count;

        Redistributors(long base, int firstCpu, int count) {
            super(GicV3.this, base);
            this.firstCpu = firstCpu;
            this.count = count;
        }

        @Override
        int cpu(long offset) {
            return firstCpu + (int) (offset / REDIST_STRIDE);
        }

        @Override
        int readWord(int cpu, int off) {
            int f = off & (int) (REDIST_STRIDE - 1);
            if (f < 0x1_0000) {
                return switch (f) {
                    case 0x0004 -> IIDR;
                    case 0x0008 -> cpu << 8 | (cpu == firstCpu + count - 1 ? 0x10 : 0); // Processor_Number, Last
                    case 0x000c -> {
                        long aff = affinity(cpu);
                        yield (int) ((aff >>> 32) << 24 | (aff & 0xff_ffff));
                    }
                    case 0x0014 -> processorSleep[cpu] ? 6 : 0;
                    default -> f >= 0xffd0 ? idRegister(REDIST_IDS, f - 0xffd0) : 0;
                };
            }
            int s = f - 0x1_0000;
            if (s >= 0x0080 && s < 0x0400 && (s & 0x7f) == 0) {
                return readBits(BitReg.values()[(s - 0x080) >> 7], cpu, 0);
            } else if (s >= 0x0400 && s < 0x0420) {
                int word = 0;
                for (int i = 0; i < 4; i++) {
                    word |= priority(cpu, s - 0x400 + i) << (8 * i);
                }
                return word;
            } else if (s == 0x0c00 || s == 0x0c04) {
                return readConfig(cpu, (s - 0xc00) >> 2);
            }
            return 0;
        }

        @Override
        void writeWord(int cpu, int off, int value, int byteMask) {
            int f = off & (int) (REDIST_STRIDE - 1);
            if (f == 0x0014) {
                if ((byteMask & 2) != 0) {
                    processorSleep[cpu] = (value & 2) != 0;
                }
                return;
            }
            int s = f - 0x1_0000;
            if (s >= 0x0080 && s < 0x0400 && (s & 0x7f) == 0) {
                writeBits(BitReg.values()[(s - 0x080) >> 7], cpu, 0, value, byteMask, 0);
            } else if (s >= 0x0400 && s < 0x0420) {
                for (int i = 0; i < 4; i++) {
                    if ((byteMask >>> (8 * i) & 0xff) != 0) {
                        setPriority(cpu, s - 0x400 + i, value >>> (8 * i) & 0xff);
                    }
                }
                update(cpu);
            } else if (s == 0x0c04) {
                writeConfig(cpu, 1, value, byteMask);
            }
        }
    }
}
