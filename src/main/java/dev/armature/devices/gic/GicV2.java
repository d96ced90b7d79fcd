package dev.armature.devices.gic;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.SyncException;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;

/**
 * A GICv2 without the Security Extensions, as QEMU 7.2's {@code virt} board has it: up to 8 CPUs, 8 priority
 * bits, a distributor frame and a memory-mapped CPU interface frame wherever {@link #mmioWindows} places them
 * (the board: 0x0800_0000 and 0x0801_0000), and as many INTIDs as it is built with (the board: 288).
 *
 * <p>Values observed on QEMU 7.2 (tools/qemu-probes/gic): GICD_TYPER = ITLinesNumber 8 | (CPUs-1) << 5, GICD_IIDR
 * = 0x43b, GICC_IIDR = 0x2043b, ICPIDR2 = 0x2b; SGIs always enabled (GICD_ISENABLER0[15:0] reads 1, writes
 * ignored); SGI pending bits change only through GICD_SGIR/SPENDSGIR/CPENDSGIR; PPIs are level-sensitive at
 * reset and configurable; GICC_BPR resets to 0 and GICC_ABPR to 1 (their minimums); GICC_CTLR implements
 * EnableGrp0/1, AckCtl, FIQEn, CBPR and EOImode (bit 9). The register frames are 4 KiB (distributor) and 8 KiB
 * (CPU interface, GICC_DIR at 0x1000) inside the 64 KiB the device tree declares; beyond them QEMU aborts.
 *
 * <p>Groups: with no Security Extensions every access is Secure, so GICD_IGROUPR is writable and GICC_IAR
 * acknowledges Group 0. Linux leaves everything in Group 0 and enables it with GICD_CTLR = 1, GICC_CTLR = 1
 * (FIQEn = 0, so Group 0 is signalled as IRQ). Guests that move interrupts to Group 1 use GICC_AIAR/AEOIR/
 * ABPR/AHPPIR, or GICC_IAR with AckCtl.
 *
 * <p>Deliberate differences from QEMU: ITARGETSR bits of CPUs that do not exist are RAZ/WI (the architecture's
 * rule; QEMU keeps them), and the aliased Group 1 registers work as the architecture describes (QEMU reads
 * GICC_AIAR as 0). GICD_SGIR.NSATT exists only with the Security Extensions and is ignored.
 *
 * <p>Locking: see {@link Gic}.
 */
public final class GicV2 extends Gic {
    /** Implemented sizes of the two frames. */
    public static final long DIST_SIZE = 0x1000;
    public static final long CPU_SIZE = 0x2000;
    public static final int MAX_CPUS = 8;
    static final int GICD_IIDR = 0x43b;
    static final int GICC_IIDR = 0x0002_043b;
    /** PIDR4-7, PIDR0-3, CIDR0-3 at GICD 0xFD0-0xFFC (ICPIDR2 = 0x2b: architecture version 2). */
    private static final int[] IDS = {0x04, 0, 0, 0, 0x90, 0xb4, 0x2b, 0, 0x0d, 0xf0, 0x05, 0xb1};

    /** GICD_ITARGETSR of each SPI: a CPU bit mask. Set by resetVersionState(), which the Gic constructor calls. */
    private byte[] targets;
    private final int allCpus;
    private final Distributor distributor = new Distributor();
    private final CpuInterface cpuInterfaceFrame = new CpuInterface();

    /**
     * A GICv2 for {@code nCpus} vCPUs with {@code nIrqs} INTIDs; {@link #connect} each vCPU's Cpu before it runs.
     *
     * @throws IllegalArgumentException with QEMU's message if more than 8 CPUs are asked for, or for an INTID
     *         count that is not a multiple of 32 from 64 to 1024
     */
    public GicV2(int nCpus, int nIrqs) {
        super(checkCount(nCpus), nIrqs, 8, 0, false);
        allCpus = (1 << nCpus) - 1;
    }

    @Override
    void resetVersionState() {
        targets = new byte[nIrqs];
        for (Bits b : banked) {
            b.enabled[0] = 0xffff; // SGIs cannot be disabled
        }
    }

    @Override
    void saveVersionState(DataOutput out) throws IOException {
        out.write(targets);
    }

    @Override
    Runnable loadVersionState(DataInput in) throws IOException {
        byte[] t = new byte[nIrqs];
        in.readFully(t);
        for (int intid = 32; intid < nIrqs; intid++) {
            t[intid] &= (byte) allCpus;
        }
        return () -> targets = t;
    }

    private static int checkCount(int nCpus) {
        if (nCpus < 0) {
            throw new IllegalArgumentException("a GIC cannot have " + nCpus + " CPUs");
        }
        if (nCpus > MAX_CPUS) {
            throw new IllegalArgumentException(String.format(
                    "Number of SMP CPUs requested (%d) exceeds max CPUs supported by machine 'mach-virt' (%d)",
                    nCpus, MAX_CPUS));
        }
        return nCpus;
    }

    @Override
    public int version() {
        return 2;
    }

    @Override
    boolean targets(int intid, int cpu) {
        return (targets[intid] >> cpu & 1) != 0;
    }

    @Override
    boolean group0IsFiq(int cpu) {
        return cpuIf[cpu].fiqEn;
    }

    @Override
    public GicCpuInterface cpuInterface(int cpu) {
        checkCpu(cpu);
        return NO_SYSTEM_REGISTERS;
    }

    /** The two register frames placed at {@code distBase} and {@code cpuBase}, to map into guest memory. */
    public List<MmioWindow> mmioWindows(long distBase, long cpuBase) {
        return List.of(distributor.place("gic-dist", distBase, DIST_SIZE),
                cpuInterfaceFrame.place("gic-cpu", cpuBase, CPU_SIZE));
    }

    @Override
    RegisterWindow frame(GicFrame frame) {
        return switch (frame) {
            case DISTRIBUTOR -> distributor;
            case CPU_INTERFACE -> cpuInterfaceFrame;
            case REDISTRIBUTOR -> throw new IllegalArgumentException("a GICv2 has no redistributors");
        };
    }

    /**
     * Whether a 32-bit register is implemented at {@code offset} of {@code frame} (what userspace may reach
     * without a bus access): the architected GICD_* and GICC_* registers of a GICv2 without Security Extensions.
     */
    public static boolean implementsRegister(GicFrame frame, long offset) {
        if ((offset & 3) != 0) {
            return false;
        }
        return switch (frame) {
            case DISTRIBUTOR -> offset <= 0x008 || (offset >= 0x080 && offset < 0xd00) || offset == 0xf00
                    || (offset >= 0xf10 && offset < 0xf30) || (offset >= 0xfd0 && offset < DIST_SIZE);
            case CPU_INTERFACE -> offset <= 0x028 || (offset >= 0x0d0 && offset <= 0x0dc) || offset == 0x0fc
                    || offset == 0x1000;
            case REDISTRIBUTOR -> false;
        };
    }

    /** GICD_SGIR: sends SGI {@code value[3:0]} from {@code source} to the filtered target list. */
    private void sendSgi(int source, int value) {
        int sgi = value & 0xf;
        int list = switch ((value >>> 24) & 3) {
            case 0 -> (value >>> 16) & 0xff;
            case 1 -> allCpus & ~(1 << source);
            case 2 -> 1 << source;
            default -> 0; // reserved filter: no SGI
        };
        list &= allCpus;
        for (int t = 0; list != 0; t++, list >>>= 1) {
            if ((list & 1) != 0) {
                setSgiSources(t, sgi, sgiSources[t][sgi] | 1 << source);
                update(t);
            }
        }
    }

    /** HPPIR value: the INTID with a GICv2 SGI's lowest pending source in bits 12:10. */
    private int withSource(int cpu, int intid) {
        return intid < 16 ? intid | Integer.numberOfTrailingZeros(sgiSources[cpu][intid]) << 10 : intid;
    }

    /** The distributor frame (GICD_*). SGI/PPI registers are banked for the accessing CPU. */
    private final class Distributor extends RegisterWindow {
        Distributor() {
            super(GicV2.this);
        }

        @Override
        int cpu(long offset) {
            return accessingCpu(base + offset);
        }

        @Override
        int readWord(int cpu, int off) {
            if (off == 0x000) {
                return distGroupEnable;
            } else if (off == 0x004) {
                return (words - 1) | Math.max(nCpus - 1, 0) << 5; // CPUNumber: a GIC of no CPUs reads as one
            } else if (off == 0x008) {
                return GICD_IIDR;
            } else if (off >= 0x080 && off < 0x400) {
                return readBits(BitReg.values()[(off - 0x080) >> 7], cpu, (off & 0x7f) >> 2);
            } else if (off >= 0x400 && off < 0x800) {
                int word = 0;
                for (int i = 0, intid = off - 0x400; i < 4 && intid + i < nIrqs; i++) {
                    word |= priority(cpu, intid + i) << (8 * i);
                }
                return word;
            } else if (off >= 0x800 && off < 0xc00) {
                int intid = off - 0x800;
                if (intid < 32) {
                    return 0x0101_0101 << cpu; // SGIs and PPIs target the reading CPU only
                }
                int word = 0;
                for (int i = 0; i < 4 && intid + i < nIrqs; i++) {
                    word |= (targets[intid + i] & 0xff) << (8 * i);
                }
                return word;
            } else if (off >= 0xc00 && off < 0xd00) {
                return readConfig(cpu, (off - 0xc00) >> 2);
            } else if (off >= 0xf10 && off < 0xf30) {
                int sgi = (off & 0xf);
                int word = 0;
                for (int i = 0; i < 4; i++) {
                    word |= (sgiSources[cpu][sgi + i] & 0xff) << (8 * i);
                }
                return word;
            } else if (off >= 0xfd0) {
                return idRegister(IDS, off - 0xfd0);
            }
            return 0;
        }

        @Override
        void writeWord(int cpu, int off, int value, int byteMask) {
            if (off == 0x000) {
                distGroupEnable = value & byteMask & 3;
                updateAll();
            } else if (off >= 0x080 && off < 0x400) {
                BitReg reg = BitReg.values()[(off - 0x080) >> 7];
                int n = (off & 0x7f) >> 2;
                boolean sgiFixed = n == 0 && reg != BitReg.GROUP && reg != BitReg.SET_ACTIVE
                        && reg != BitReg.CLEAR_ACTIVE;
                writeBits(reg, cpu, n, value, byteMask, sgiFixed ? 0xffff : 0);
            } else if (off >= 0x400 && off < 0x800) {
                int intid = off - 0x400;
                for (int i = 0; i < 4 && intid + i < nIrqs; i++) {
                    if ((byteMask >>> (8 * i) & 0xff) != 0) {
                        setPriority(cpu, intid + i, value >>> (8 * i) & 0xff);
                    }
                }
                updateFor(cpu, intid);
            } else if (off >= 0x820 && off < 0xc00) {
                int intid = off - 0x800;
                for (int i = 0; i < 4 && intid + i < nIrqs; i++) {
                    if ((byteMask >>> (8 * i) & 0xff) != 0) {
                        targets[intid + i] = (byte) (value >>> (8 * i) & allCpus);
                    }
                }
                updateAll();
            } else if (off >= 0xc00 && off < 0xd00) {
                writeConfig(cpu, (off - 0xc00) >> 2, value, byteMask);
            } else if (off == 0xf00) {
                sendSgi(cpu, value & byteMask);
            } else if (off >= 0xf10 && off < 0xf30) {
                int sgi = off & 0xf;
                boolean set = off >= 0xf20;
                for (int i = 0; i < 4; i++) {
                    if ((byteMask >>> (8 * i) & 0xff) != 0) {
                        int bits = value >>> (8 * i) & allCpus;
                        int old = sgiSources[cpu][sgi + i] & 0xff;
                        setSgiSources(cpu, sgi + i, set ? old | bits : old & ~bits);
                    }
                }
                update(cpu);
            }
        }
    }

    /** The memory-mapped CPU interface (GICC_*), banked for the accessing CPU. */
    private final class CpuInterface extends RegisterWindow {
        CpuInterface() {
            super(GicV2.this);
        }

        @Override
        int cpu(long offset) {
            return accessingCpu(base + offset);
        }

        @Override
        int readWord(int cpu, int off) {
            CpuInterfaceState ci = cpuIf[cpu];
            return switch (off) {
                case 0x00 -> ci.groupEnable | (ci.ackCtl ? 4 : 0) | (ci.fiqEn ? 8 : 0) | (ci.cbpr ? 0x10 : 0)
                        | (ci.eoiModeSplit ? 0x200 : 0);
                case 0x04 -> ci.pmr();
                case 0x08 -> ci.bpr0();
                case 0x0c -> readIar(cpu, false);
                case 0x14 -> Math.min(ci.runningPriority(), 0xff);
                case 0x18 -> highestPendingId(cpu, false);
                case 0x1c -> ci.bpr1();
                case 0x20 -> readIar(cpu, true);
                case 0x28 -> highestPendingId(cpu, true);
                case 0xd0, 0xd4, 0xd8, 0xdc -> ci.apr(0, (off - 0xd0) >> 2);
                case 0xfc -> GICC_IIDR;
                default -> 0;
            };
        }

        @Override
        void writeWord(int cpu, int off, int value, int byteMask) {
            CpuInterfaceState ci = cpuIf[cpu];
            int v = value & byteMask;
            switch (off) {
                case 0x00 -> {
                    ci.groupEnable = v & 3;
                    ci.ackCtl = (v & 4) != 0;
                    ci.fiqEn = (v & 8) != 0;
                    ci.cbpr = (v & 0x10) != 0;
                    ci.eoiModeSplit = (v & 0x200) != 0;
                }
                case 0x04 -> ci.setPmr(v);
                case 0x08 -> ci.setBpr0(v);
                case 0x10, 0x24 -> endOfInterrupt(cpu, v & 0x3ff);
                case 0x1c -> ci.setBpr1(v);
                case 0xd0, 0xd4, 0xd8, 0xdc -> ci.setApr(0, (off - 0xd0) >> 2, v);
                case 0x1000 -> deactivate(cpu, v & 0x3ff);
                default -> {
                    return; // read-only or reserved
                }
            }
            update(cpu);
        }

        /** GICC_IAR (group 0 view, Group 1 too with AckCtl) or GICC_AIAR ({@code aliased}: Group 1). */
        private int readIar(int cpu, boolean aliased) {
            int intid = acknowledgeable(cpu, aliased);
            return intid < 0 ? -intid : acknowledge(cpu, intid, true);
        }

        /** What GICC_IAR/AIAR would return, without acknowledging: a userspace read must not change state. */
        private int peekIar(int cpu, boolean aliased) {
            int intid = acknowledgeable(cpu, aliased);
            return intid < 0 ? -intid : withSource(cpu, intid);
        }

        /** The INTID an IAR read would acknowledge, or minus the special INTID it would return instead. */
        private int acknowledgeable(int cpu, boolean aliased) {
            int intid = signallable(cpu);
            if (intid < 0) {
                return -SPURIOUS;
            }
            int group = group(cpu, intid);
            if (aliased && group == 0) {
                return -SPURIOUS;
            }
            if (!aliased && group == 1 && !cpuIf[cpu].ackCtl) {
                return -SPURIOUS_GROUP1;
            }
            return intid;
        }

        @Override
        int peekWord(int cpu, int off) {
            return off == 0x0c || off == 0x20 ? peekIar(cpu, off == 0x20) : readWord(cpu, off);
        }

        /** GICC_HPPIR / GICC_AHPPIR, with the same group rules as the acknowledge registers. */
        private int highestPendingId(int cpu, boolean aliased) {
            int intid = highestPending(cpu);
            if (intid < 0) {
                return SPURIOUS;
            }
            int group = group(cpu, intid);
            if (aliased && group == 0) {
                return SPURIOUS;
            }
            if (!aliased && group == 1 && !cpuIf[cpu].ackCtl) {
                return SPURIOUS_GROUP1;
            }
            return withSource(cpu, intid);
        }
    }

    /** GICv2 has no system-register CPU interface: every ICC_* access is UNDEFINED. */
    private static final GicCpuInterface NO_SYSTEM_REGISTERS = new GicCpuInterface() {
        @Override
        public boolean hasSystemRegisters() {
            return false;
        }

        @Override
        public long readSysReg(Cpu cpu, int key) {
            throw SyncException.undefined(cpu.pc);
        }

        @Override
        public void writeSysReg(Cpu cpu, int key, long value) {
            throw SyncException.undefined(cpu.pc);
        }
    };
}
