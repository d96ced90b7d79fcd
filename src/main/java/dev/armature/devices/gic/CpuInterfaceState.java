package dev.armature.devices.gic;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The priority state of one CPU interface: enables, priority mask, binary points and the active priorities
 * (the APRs), from which the running priority follows. Shared by the GICv2 memory-mapped and the GICv3
 * system-register interfaces; guarded by the owning {@link Gic}'s lock.
 *
 * <p>Active priorities are kept as preemption levels: level = group priority {@code >> levelShift}, where
 * {@code levelShift} is 1 for 8 priority bits (128 levels, GICv2) and 3 for 5 bits (32 levels, GICv3).
 */
final class CpuInterfaceState {
    /** Running priority when nothing is active (reads as 0xff). */
    static final int IDLE = 0x100;

    private final int priorityMask;
    private final int levelShift;
    private final int minBpr0;
    private final int minBpr1;
    private final boolean aprPerGroup;

    /** Bit 0: Group 0 enabled, bit 1: Group 1 enabled (GICC_CTLR.EnableGrp0/1, ICC_IGRPEN0/1_EL1). */
    int groupEnable;
    /** GICv2 GICC_CTLR.FIQEn: Group 0 is signalled as FIQ (always so on GICv3). */
    boolean fiqEn;
    /** GICv2 GICC_CTLR.AckCtl: GICC_IAR may acknowledge Group 1 interrupts. */
    boolean ackCtl;
    /** GICC_CTLR.CBPR / ICC_CTLR_EL1.CBPR: BPR0 controls Group 1 preemption too. */
    boolean cbpr;
    /** EOImode: EOI only drops priority; deactivation is a separate DIR write. */
    boolean eoiModeSplit;
    /**
     * GICv3 ICH_HCR_EL2 as written (no virtual CPU interface acts on it); 0 on GICv2. Not in snapshots: it
     * reads 0 after a restore.
     */
    long ichHcr;
    private int pmr;
    private int bpr0;
    private int bpr1;
    /** Active preemption levels, [group][word]: 128 levels per group. GICv2 keeps all in group 0's set. */
    private final long[][] active = new long[2][2];

    /**
     * @param priorityBits implemented priority bits (8 on GICv2, 5 on GICv3)
     * @param minBpr0      smallest BPR0 (Group 0) value; the reset value
     * @param minBpr1      smallest BPR1 / ABPR (Group 1) value; the reset value
     * @param aprPerGroup  whether active priorities are held per group (GICv3's AP0R/AP1R) or in one set (GICv2)
     */
    CpuInterfaceState(int priorityBits, int minBpr0, int minBpr1, boolean aprPerGroup) {
        this.priorityMask = (0xff << (8 - priorityBits)) & 0xff;
        this.levelShift = minBpr0 + 1;
        this.minBpr0 = minBpr0;
        this.minBpr1 = minBpr1;
        this.aprPerGroup = aprPerGroup;
        this.bpr0 = minBpr0;
        this.bpr1 = minBpr1;
    }

    int priorityMask() {
        return priorityMask;
    }

    int pmr() {
        return pmr;
    }

    void setPmr(int value) {
        pmr = value & priorityMask;
    }

    int bpr0() {
        return bpr0;
    }

    void setBpr0(int value) {
        bpr0 = Math.max(minBpr0, value & 7);
    }

    /** Group 1's binary point as ABPR/ICC_BPR1_EL1 read it (with CBPR, BPR0 + 1, saturating at 7). */
    int bpr1() {
        return cbpr ? Math.min(bpr0 + 1, 7) : bpr1;
    }

    /** Writes of Group 1's binary point are ignored while CBPR is set. */
    void setBpr1(int value) {
        if (!cbpr) {
            bpr1 = Math.max(minBpr1, value & 7);
        }
    }

    /** The group priority of {@code priority}: the bits above the binary point that governs {@code group}. */
    int groupPriority(int priority, int group) {
        int mask = group == 0 || cbpr ? 0xff << (bpr0 + 1) : 0xff << bpr1;
        return priority & mask & priorityMask;
    }

    /**
     * Whether an interrupt of this priority and group may be signalled: higher priority (lower value) than the
     * mask and, by its group priority, than the running priority.
     */
    boolean canSignal(int priority, int group) {
        int p = priority & priorityMask;
        return p < pmr && groupPriority(p, group) < runningPriority();
    }

    /** The group priority of the highest-priority active interrupt, or {@link #IDLE}. */
    int runningPriority() {
        int level = Math.min(lowestLevel(active[0]), lowestLevel(active[1]));
        return level == Integer.MAX_VALUE ? IDLE : level << levelShift;
    }

    /** Acknowledge: the interrupt's group priority becomes active. */
    void activate(int priority, int group) {
        int level = groupPriority(priority, group) >> levelShift;
        long[] set = active[aprPerGroup ? group : 0];
        set[level >> 6] |= 1L << level;
    }

    /** Priority drop: the highest active priority (of either group) is no longer active. */
    void dropPriority() {
        int l0 = lowestLevel(active[0]);
        int l1 = lowestLevel(active[1]);
        if (l0 == Integer.MAX_VALUE && l1 == Integer.MAX_VALUE) {
            return;
        }
        long[] set = l0 <= l1 ? active[0] : active[1];
        int level = Math.min(l0, l1);
        set[level >> 6] &= ~(1L << level);
    }

    /** Active priority register {@code n} (32 levels each) of {@code group}; GICv2 has one set (group 0). */
    int apr(int group, int n) {
        return (int) (active[group][n >> 1] >>> ((n & 1) * 32));
    }

    void setApr(int group, int n, int value) {
        int shift = (n & 1) * 32;
        long[] set = active[group];
        set[n >> 1] = (set[n >> 1] & ~(0xffff_ffffL << shift)) | ((value & 0xffff_ffffL) << shift);
    }

    void saveState(DataOutput out) throws IOException {
        out.writeInt(groupEnable);
        out.writeInt((fiqEn ? 1 : 0) | (ackCtl ? 2 : 0) | (cbpr ? 4 : 0) | (eoiModeSplit ? 8 : 0));
        out.writeInt(pmr);
        out.writeInt(bpr0);
        out.writeInt(bpr1);
        for (long[] set : active) {
            out.writeLong(set[0]);
            out.writeLong(set[1]);
        }
    }

    /** Reads a {@link #saveState} record into this (fresh, unshared) state; values are masked as writes are. */
    void loadState(DataInput in) throws IOException {
        groupEnable = in.readInt() & 3;
        int flags = in.readInt();
        fiqEn = (flags & 1) != 0;
        ackCtl = (flags & 2) != 0;
        cbpr = (flags & 4) != 0;
        eoiModeSplit = (flags & 8) != 0;
        setPmr(in.readInt());
        setBpr0(in.readInt());
        bpr1 = Math.max(minBpr1, in.readInt() & 7);
        for (long[] set : active) {
            set[0] = in.readLong();
            set[1] = in.readLong();
        }
    }

    private static int lowestLevel(long[] set) {
        if (set[0] != 0) {
            return Long.numberOfTrailingZeros(set[0]);
        }
        return set[1] != 0 ? 64 + Long.numberOfTrailingZeros(set[1]) : Integer.MAX_VALUE;
    }
}
