package dev.armature.devices.gic;

import dev.armature.arch.aarch64.Cpu;

import java.util.Arrays;
import java.util.List;

/**
 * The GICv2 virtualization extensions (GIC architecture v2, chapter 5) that QEMU 7.2's {@code virt} board adds with
 * {@code virtualization=on}: per CPU, the hypervisor control interface GICH at 0x0803_0000 (GICH_HCR, VTR, VMCR,
 * MISR, EISR0, ELRSR0, APR and four list registers) and the virtual CPU interface GICV at 0x0804_0000 (the GICC
 * layout: CTLR, PMR, BPR, IAR, EOIR, RPR, HPPIR, ABPR, AIAR, AEOIR, AHPPIR, APR0, IIDR, DIR), and the maintenance
 * interrupt, PPI 9 (INTID 25). Both frames are banked for the accessing CPU.
 *
 * <p>A list register holds a virtual interrupt (VirtualID, priority in 5 bits, group, state, and for HW = 1 the
 * physical INTID to deactivate with it; for HW = 0, EOI requests a maintenance interrupt when it is deactivated).
 * With GICH_HCR.En set, the highest-priority pending list register of an enabled group whose priority is below
 * the virtual PMR and, by group priority, the running priority drives the CPU's virtual IRQ input
 * ({@link Cpu#setVirtualIrq}), which the CPU's exception model is to take at EL1 like HCR_EL2.VI when HCR_EL2.IMO
 * is set (the exception model does not implement virtual interrupts yet). GICV_IAR acknowledges it (state
 * pending to active, its group priority active in GICV_APR0); GICV_EOIR drops the priority and, with
 * GICV_CTLR.EOImode 0, deactivates (GICV_DIR with EOImode 1); with no active priority it is ignored, as on QEMU.
 * Deactivating an ID that no list register holds active counts in GICH_HCR.EOICount. The maintenance interrupt is GICH_MISR != 0 while GICH_HCR.En is set.
 *
 * <p>Not modelled: virtual FIQs (GICV_CTLR.FIQEn is kept, but Group 0 is signalled as a virtual IRQ too), the
 * per-CPU GICH alias frames, snapshots of this state.
 *
 * <p>Locking: the state is guarded by the GIC's lock (so deactivating a physical interrupt and driving the
 * maintenance PPI happen in the same critical section); while holding it this class calls only
 * {@link Cpu#setVirtualIrq}, which stores the line and notifies the vCPU.
 */
public final class GicV2Virtualization {
    public static final long GICH_BASE = 0x0803_0000L;
    public static final long GICV_BASE = 0x0804_0000L;
    /** Implemented frame sizes; the device tree declares 64 KiB each, as QEMU does. */
    public static final long GICH_SIZE = 0x1000;
    public static final long GICV_SIZE = 0x2000;
    /** The maintenance interrupt's PPI number (INTID 25), as in QEMU's device tree. */
    public static final int MAINTENANCE_PPI = 9;
    public static final int LIST_REGISTERS = 4;
    private static final int MAINTENANCE_INTID = 16 + MAINTENANCE_PPI;
    private static final int PRIORITY_BITS = 5;
    /** GICH_VTR: ListRegs - 1, PREbits - 1 (26), PRIbits - 1 (29). */
    static final int GICH_VTR = (LIST_REGISTERS - 1) | (PRIORITY_BITS - 1) << 26 | (PRIORITY_BITS - 1) << 29;
    private static final int LR_EOI = 1 << 19;
    private static final int LR_PENDING = 1 << 28;
    private static final int LR_ACTIVE = 1 << 29;
    private static final int LR_GROUP1 = 1 << 30;
    private static final int LR_HW = 1 << 31;
    /** Bits 22:20 of a list register are reserved. */
    private static final int LR_WRITABLE = 0xff8f_ffff;
    private static final int HCR_EN = 1;
    private static final int HCR_EOICOUNT_SHIFT = 27;
    private static final int HCR_WRITABLE = 0xf800_00ff;

    /** One CPU's virtual interface state. */
    private static final class VirtualCpu {
        int hcr;
        final int[] lr = new int[LIST_REGISTERS];
        CpuInterfaceState vcpu = new CpuInterfaceState(PRIORITY_BITS, 2, 3, false);
        boolean virqOut;
        boolean maintenanceOut;
    }

    private final GicV2 gic;
    private final VirtualCpu[] state;
    private final Cpu[] cpus;
    private final List<MmioWindow> windows;

    public GicV2Virtualization(GicV2 gic) {
        this.gic = gic;
        state = new VirtualCpu[gic.nCpus];
        cpus = new Cpu[gic.nCpus];
        for (int c = 0; c < state.length; c++) {
            state[c] = new VirtualCpu();
        }
        windows = List.of(new ControlInterface().place("gic-hyp", GICH_BASE, GICH_SIZE),
                new VirtualCpuInterface().place("gic-vcpu", GICV_BASE, GICV_SIZE));
    }

    /** GICH and GICV, for the board to map. */
    public List<MmioWindow> mmioWindows() {
        return windows;
    }

    /** Attaches vCPU {@code cpu}'s Cpu (null: detached) and drives its virtual IRQ input. */
    public void connect(int cpu, Cpu target) {
        synchronized (gic.lock) {
            cpus[cpu] = target;
            if (target != null) {
                target.setVirtualIrq(state[cpu].virqOut);
            }
        }
    }

    /** System reset: list registers empty, interface disabled, maintenance interrupt low. */
    public void reset() {
        synchronized (gic.lock) {
            for (int c = 0; c < state.length; c++) {
                state[c].hcr = 0;
                Arrays.fill(state[c].lr, 0);
                state[c].vcpu = new CpuInterfaceState(PRIORITY_BITS, 2, 3, false);
                update(c);
            }
        }
    }

    private static int priority(int lr) {
        return (lr >>> 23 & 0x1f) << 3;
    }

    private static int group(int lr) {
        return (lr & LR_GROUP1) != 0 ? 1 : 0;
    }

    /** The list register holding the highest-priority pending (not active) interrupt of an enabled group, or -1. */
    private static int highestPending(VirtualCpu v) {
        int best = -1;
        for (int i = 0; i < LIST_REGISTERS; i++) {
            int lr = v.lr[i];
            if ((lr & (LR_PENDING | LR_ACTIVE)) == LR_PENDING && (v.vcpu.groupEnable >> group(lr) & 1) != 0
                    && (best < 0 || priority(lr) < priority(v.lr[best]))) {
                best = i;
            }
        }
        return best;
    }

    /** The list register the virtual interface signals now, or -1. */
    private static int signallable(VirtualCpu v) {
        if ((v.hcr & HCR_EN) == 0) {
            return -1;
        }
        int i = highestPending(v);
        return i >= 0 && v.vcpu.canSignal(priority(v.lr[i]), group(v.lr[i])) ? i : -1;
    }

    /** GICH_EISR0: list registers whose HW = 0 interrupt with EOI set has been deactivated. */
    private static int eisr(VirtualCpu v) {
        int bits = 0;
        for (int i = 0; i < LIST_REGISTERS; i++) {
            int lr = v.lr[i];
            if ((lr & (LR_PENDING | LR_ACTIVE | LR_HW)) == 0 && (lr & LR_EOI) != 0) {
                bits |= 1 << i;
            }
        }
        return bits;
    }

    /** GICH_ELRSR0: list registers that hold no interrupt (invalid and not awaiting an EOI maintenance). */
    private static int elrsr(VirtualCpu v) {
        int bits = 0;
        for (int i = 0; i < LIST_REGISTERS; i++) {
            int lr = v.lr[i];
            if ((lr & (LR_PENDING | LR_ACTIVE)) == 0 && ((lr & LR_HW) != 0 || (lr & LR_EOI) == 0)) {
                bits |= 1 << i;
            }
        }
        return bits;
    }

    /** GICH_MISR, from GICH_HCR's enables (bits 1-7) and the list registers. */
    private static int misr(VirtualCpu v) {
        int hcr = v.hcr;
        int valid = 0;
        boolean anyPending = false;
        for (int lr : v.lr) {
            if ((lr & (LR_PENDING | LR_ACTIVE)) != 0) {
                valid++;
            }
            anyPending |= (lr & LR_PENDING) != 0;
        }
        int en = v.vcpu.groupEnable;
        int m = eisr(v) != 0 ? 1 : 0;
        m |= (hcr & 2) != 0 && valid <= 1 ? 2 : 0;                       // U: underflow
        m |= (hcr & 4) != 0 && hcr >>> HCR_EOICOUNT_SHIFT != 0 ? 4 : 0;  // LRENP
        m |= (hcr & 8) != 0 && !anyPending ? 8 : 0;                      // NP
        m |= (hcr & 0x10) != 0 && (en & 1) != 0 ? 0x10 : 0;              // VGrp0E
        m |= (hcr & 0x20) != 0 && (en & 1) == 0 ? 0x20 : 0;              // VGrp0D
        m |= (hcr & 0x40) != 0 && (en & 2) != 0 ? 0x40 : 0;              // VGrp1E
        m |= (hcr & 0x80) != 0 && (en & 2) == 0 ? 0x80 : 0;              // VGrp1D
        return m;
    }

    /** Recomputes CPU {@code c}'s virtual IRQ and maintenance interrupt and drives those that changed. */
    private void update(int c) {
        VirtualCpu v = state[c];
        boolean virq = signallable(v) >= 0;
        if (virq != v.virqOut) {
            v.virqOut = virq;
            if (cpus[c] != null) {
                cpus[c].setVirtualIrq(virq);
            }
        }
        boolean maintenance = (v.hcr & HCR_EN) != 0 && misr(v) != 0;
        if (maintenance != v.maintenanceOut) {
            v.maintenanceOut = maintenance;
            gic.setPrivateLevel(c, MAINTENANCE_INTID, maintenance);
        }
    }

    /** The ID the virtual interface reports for list register value {@code lr}: SGIs (HW = 0) carry the CPUID. */
    private static int reportedId(int lr) {
        int id = lr & 0x3ff;
        return id < 16 && (lr & LR_HW) == 0 ? id | (lr >>> 10 & 7) << 10 : id;
    }

    /** Deactivates virtual interrupt {@code id}: its list register's active state, and for HW its physical one. */
    private void deactivate(int c, int id) {
        VirtualCpu v = state[c];
        for (int i = 0; i < LIST_REGISTERS; i++) {
            int lr = v.lr[i];
            if ((lr & 0x3ff) == id && (lr & LR_ACTIVE) != 0) {
                v.lr[i] = lr & ~LR_ACTIVE;
                if ((lr & LR_HW) != 0) {
                    gic.deactivate(c, lr >>> 10 & 0x3ff);
                }
                return;
            }
        }
        int count = (v.hcr >>> HCR_EOICOUNT_SHIFT) + 1 & 0x1f;
        v.hcr = v.hcr & ~(0x1f << HCR_EOICOUNT_SHIFT) | count << HCR_EOICOUNT_SHIFT;
    }

    /** GICH: the hypervisor's view of the accessing CPU's virtual interface. */
    private final class ControlInterface extends RegisterWindow {
        ControlInterface() {
            super(GicV2Virtualization.this.gic);
        }

        @Override
        int cpu(long offset) {
            return gic.accessingCpu(base + offset);
        }

        @Override
        int readWord(int cpu, int off) {
            VirtualCpu v = state[cpu];
            if (off >= 0x100 && off < 0x100 + 4 * LIST_REGISTERS) {
                return v.lr[(off - 0x100) >> 2];
            }
            return switch (off) {
                case 0x000 -> v.hcr;
                case 0x004 -> GICH_VTR;
                case 0x008 -> vmcr(v.vcpu);
                case 0x010 -> misr(v);
                case 0x020 -> eisr(v);
                case 0x030 -> elrsr(v);
                case 0x0f0 -> v.vcpu.apr(0, 0);
                default -> 0;
            };
        }

        @Override
        void writeWord(int cpu, int off, int value, int byteMask) {
            VirtualCpu v = state[cpu];
            int old = readWord(cpu, off);
            int val = (old & ~byteMask) | (value & byteMask);
            if (off >= 0x100 && off < 0x100 + 4 * LIST_REGISTERS) {
                v.lr[(off - 0x100) >> 2] = val & LR_WRITABLE;
            } else if (off == 0x000) {
                v.hcr = val & HCR_WRITABLE;
            } else if (off == 0x008) {
                setVmcr(v.vcpu, val);
            } else if (off == 0x0f0) {
                v.vcpu.setApr(0, 0, val);
            } else {
                return;
            }
            update(cpu);
        }
    }

    /** GICH_VMCR: the virtual CPU interface's CTLR, PMR, BPR and ABPR in one register. */
    private static int vmcr(CpuInterfaceState s) {
        return ctlr(s) & 0x1f | (ctlr(s) & 0x200) | (s.bpr1() & 7) << 18 | (s.bpr0() & 7) << 21
                | (s.pmr() >> 3) << 27;
    }

    private static void setVmcr(CpuInterfaceState s, int v) {
        setCtlr(s, v & 0x21f);
        s.setPmr((v >>> 27) << 3);
        s.setBpr0(v >>> 21 & 7);
        s.setBpr1(v >>> 18 & 7);
    }

    private static int ctlr(CpuInterfaceState s) {
        return s.groupEnable | (s.ackCtl ? 4 : 0) | (s.fiqEn ? 8 : 0) | (s.cbpr ? 0x10 : 0)
                | (s.eoiModeSplit ? 0x200 : 0);
    }

    private static void setCtlr(CpuInterfaceState s, int v) {
        s.groupEnable = v & 3;
        s.ackCtl = (v & 4) != 0;
        s.fiqEn = (v & 8) != 0;
        s.cbpr = (v & 0x10) != 0;
        s.eoiModeSplit = (v & 0x200) != 0;
    }

    /** GICV: the guest's virtual CPU interface, laid out as GICC. */
    private final class VirtualCpuInterface extends RegisterWindow {
        VirtualCpuInterface() {
            super(GicV2Virtualization.this.gic);
        }

        @Override
        int cpu(long offset) {
            return gic.accessingCpu(base + offset);
        }

        @Override
        int readWord(int cpu, int off) {
            CpuInterfaceState s = state[cpu].vcpu;
            return switch (off) {
                case 0x00 -> ctlr(s);
                case 0x04 -> s.pmr();
                case 0x08 -> s.bpr0();
                case 0x0c -> acknowledge(cpu, false);
                case 0x14 -> Math.min(s.runningPriority(), 0xff);
                case 0x18 -> highestPendingId(cpu, false);
                case 0x1c -> s.bpr1();
                case 0x20 -> acknowledge(cpu, true);
                case 0x28 -> highestPendingId(cpu, true);
                case 0xd0 -> s.apr(0, 0);
                case 0xfc -> GicV2.GICC_IIDR;
                default -> 0;
            };
        }

        @Override
        void writeWord(int cpu, int off, int value, int byteMask) {
            CpuInterfaceState s = state[cpu].vcpu;
            int v = value & byteMask;
            switch (off) {
                case 0x00 -> setCtlr(s, v);
                case 0x04 -> s.setPmr(v);
                case 0x08 -> s.setBpr0(v);
                case 0x10, 0x24 -> {
                    if (s.runningPriority() == CpuInterfaceState.IDLE) {
                        return; // UNPREDICTABLE with nothing active; QEMU 7.2 ignores it (EOICount unchanged)
                    }
                    s.dropPriority();
                    if (!s.eoiModeSplit) {
                        deactivate(cpu, v & 0x3ff);
                    }
                }
                case 0x1c -> s.setBpr1(v);
                case 0xd0 -> s.setApr(0, 0, v);
                case 0x1000 -> {
                    if (s.eoiModeSplit) {
                        deactivate(cpu, v & 0x3ff);
                    }
                }
                default -> {
                    return;
                }
            }
            update(cpu);
        }

        /** GICV_IAR / GICV_AIAR ({@code aliased}: Group 1 only), with GICC's group rules. */
        private int acknowledge(int cpu, boolean aliased) {
            VirtualCpu v = state[cpu];
            int i = signallable(v);
            if (i < 0) {
                return Gic.SPURIOUS;
            }
            int lr = v.lr[i];
            int grp = group(lr);
            if (aliased && grp == 0) {
                return Gic.SPURIOUS;
            }
            if (!aliased && grp == 1 && !v.vcpu.ackCtl) {
                return Gic.SPURIOUS_GROUP1;
            }
            v.lr[i] = lr & ~LR_PENDING | LR_ACTIVE;
            v.vcpu.activate(priority(lr), grp);
            update(cpu);
            return reportedId(lr);
        }

        private int highestPendingId(int cpu, boolean aliased) {
            VirtualCpu v = state[cpu];
            int i = highestPending(v);
            if (i < 0) {
                return Gic.SPURIOUS;
            }
            int grp = group(v.lr[i]);
            if (aliased && grp == 0) {
                return Gic.SPURIOUS;
            }
            if (!aliased && grp == 1 && !v.vcpu.ackCtl) {
                return Gic.SPURIOUS_GROUP1;
            }
            return reportedId(v.lr[i]);
        }
    }
}
