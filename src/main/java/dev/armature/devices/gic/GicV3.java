package dev.armature.devices.gic;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A GICv3 with affinity routing and a single security state (GICD_CTLR.ARE = DS = 1), no LPIs and no ITS, as
 * QEMU 7.2's {@code virt} board has it: a 64 KiB distributor frame and one 128 KiB redistributor (RD and SGI
 * frames) per CPU, each wherever {@link #mmioWindows} places it, and the CPU interface through the ICC_* system
 * registers ({@link GicV3CpuInterface}). Each CPU is known by the processor number and MPIDR affinity it is
 * built with (GICR_TYPER, GICD_IROUTER, SGI targets).
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
    public static final long DIST_SIZE = 0x1_0000;
    /** RD_base + SGI_base frames of one redistributor. */
    public static final long REDIST_STRIDE = 0x2_0000;
    public static final int MAX_CPUS = 512;
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
    private final List<CpuId> ids;
    /** GICR_TYPER.Last of each CPU's redistributor, as placed by {@link #mmioWindows}. */
    private final boolean[] last;
    private final Distributor distributor = new Distributor();
    /** Userspace's view of any one redistributor (the CPU is given with each access). */
    private final Redistributors anyRedistributor = new Redistributors(new int[] {0});

    /**
     * How a CPU is known to the GIC.
     *
     * @param processorNumber GICR_TYPER.Processor_Number (the vCPU id)
     * @param affinity MPIDR_EL1 affinity: Aff3 in bits 39:32, Aff2..Aff0 in bits 23:0
     */
    public record CpuId(int processorNumber, long affinity) {
    }

    /**
     * Where one CPU's redistributor is mapped.
     *
     * @param base its RD_base
     * @param last GICR_TYPER.Last: the last redistributor of a contiguous run
     */
    public record RedistributorPlacement(long base, boolean last) {
    }

    /**
     * A GICv3 for the CPUs {@code ids} (in CPU index order) with {@code nIrqs} INTIDs; {@link #connect} each
     * vCPU's Cpu before it runs.
     *
     * @throws IllegalArgumentException for more than 512 CPUs (QEMU virt's limit), or for an INTID count
     *         that is not a multiple of 32 from 64 to 1024
     */
    public GicV3(List<CpuId> ids, int nIrqs) {
        super(checkCount(ids.size()), nIrqs, 5, 2, true);
        this.ids = List.copyOf(ids);
        this.last = new boolean[nCpus];
        cpuInterfaces = new GicV3CpuInterface[nCpus];
        for (int c = 0; c < nCpus; c++) {
            cpuInterfaces[c] = new GicV3CpuInterface(this, c);
        }
    }

    /**
     * The distributor frame at {@code distBase} and the redistributors at {@code redistributors} (one per CPU,
     * in CPU index order), to map into guest memory: redistributors that follow each other in memory share one
     * window. Call once, before the CPUs run.
     */
    public List<MmioWindow> mmioWindows(long distBase, List<RedistributorPlacement> redistributors) {
        if (redistributors.size() != nCpus) {
            throw new IllegalArgumentException(redistributors.size() + " redistributors for " + nCpus + " CPUs");
        }
        List<MmioWindow> windows = new ArrayList<>();
        windows.add(distributor.place("gicv3-dist", distBase, DIST_SIZE));
        List<Integer> byBase = new ArrayList<>();
        synchronized (lock) {
            for (int c = 0; c < nCpus; c++) {
                byBase.add(c);
                last[c] = redistributors.get(c).last();
            }
        }
        byBase.sort(Comparator.comparingLong(c -> redistributors.get(c).base()));
        int start = 0;
        for (int i = 1; i <= nCpus; i++) {
            boolean contiguous = i < nCpus && redistributors.get(byBase.get(i)).base()
                    == redistributors.get(byBase.get(i - 1)).base() + REDIST_STRIDE;
            if (!contiguous) {
                int[] cpus = byBase.subList(start, i).stream().mapToInt(Integer::intValue).toArray();
                long base = redistributors.get(cpus[0]).base();
                String name = windows.size() == 1 ? "gicv3-redist" : "gicv3-redist" + windows.size();
                windows.add(new Redistributors(cpus).place(name, base, cpus.length * REDIST_STRIDE));
                start = i;
            }
        }
        return List.copyOf(windows);
    }

    @Override
    RegisterWindow frame(GicFrame frame) {
        return switch (frame) {
            case DISTRIBUTOR -> distributor;
            case REDISTRIBUTOR -> anyRedistributor;
            case CPU_INTERFACE -> throw new IllegalArgumentException("a GICv3 has no memory-mapped CPU interface");
        };
    }

    /**
     * Whether a 32-bit register is implemented at {@code offset} of {@code frame} (what userspace may reach
     * without a bus access): GICD_* of the distributor, GICR_* of a redistributor's RD and SGI frames.
     */
    public static boolean implementsRegister(GicFrame frame, long offset) {
        if ((offset & 3) != 0) {
            return false;
        }
        return switch (frame) {
            case DISTRIBUTOR -> offset <= 0x0008 || (offset >= 0x0080 && offset < 0x0400)
                    || (offset >= 0x0420 && offset < 0x0800) || (offset >= 0x0c08 && offset < 0x0d00)
                    || (offset >= 0x6100 && offset < 0x8000) || (offset >= 0xffd0 && offset < DIST_SIZE);
            case REDISTRIBUTOR -> offset <= 0x000c || offset == 0x0014 || (offset >= 0xffd0 && offset < 0x1_0000)
                    || (offset >= 0x1_0080 && offset < 0x1_0400 && (offset & 0x7f) == 0)
                    || (offset >= 0x1_0400 && offset < 0x1_0420) || offset == 0x1_0c00 || offset == 0x1_0c04;
            case CPU_INTERFACE -> false;
        };
    }

    @Override
    void resetVersionState() {
        route = new long[nIrqs];
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
        long[] r = new long[nIrqs];
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
        if (nCpus < 0) {
            throw new IllegalArgumentException("a GIC cannot have " + nCpus + " CPUs");
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

    /** CPU {@code cpu}'s MPIDR affinity (the layout GICD_IROUTER shares). */
    long affinity(int cpu) {
        return ids.get(cpu).affinity();
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
            super(GicV3.this);
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

    /** A run of redistributors, one 128 KiB RD + SGI frame pair for each of {@code cpus} in turn. */
    private final class Redistributors extends RegisterWindow {
        private final int[] cpus;

        Redistributors(int[] cpus) {
            super(GicV3.this);
            this.cpus = cpus;
        }

        @Override
        int cpu(long offset) {
            return cpus[(int) (offset / REDIST_STRIDE)];
        }

        @Override
        int readWord(int cpu, int off) {
            int f = off & (int) (REDIST_STRIDE - 1);
            if (f < 0x1_0000) {
                return switch (f) {
                    case 0x0004 -> IIDR;
                    case 0x0008 -> (ids.get(cpu).processorNumber() & 0xffff) << 8 | (last[cpu] ? 0x10 : 0);
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
