package dev.armature.devices.gic;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.memory.BusError;
import dev.armature.memory.BusMaster;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * The interrupt state machine shared by {@link GicV2} and {@link GicV3}: per-interrupt enable, pending, active,
 * group, priority and trigger state, the selection of each CPU's highest-priority pending interrupt,
 * acknowledge, priority drop and deactivation, and driving each vCPU's IRQ/FIQ lines.
 *
 * <p>An interrupt is pending while its latch is set (a rising edge of an edge-triggered input, a write to
 * ISPENDR, an SGI) or, if level-sensitive, while its input is high. Acknowledge clears the latch and makes it
 * active (a level interrupt still asserted becomes active and pending); only pending, not active, interrupts
 * are candidates for signalling.
 *
 * <p><b>Locking.</b> One monitor per GIC ({@link #lock}) guards all state: MMIO accesses, ICC_* system
 * registers and input lines from any thread take it for a short, non-blocking critical section. While holding
 * it the GIC calls nothing outside itself except {@link Cpu#setInterruptLines} (and, from
 * {@link GicV2Virtualization}, {@link Cpu#setVirtualIrq}), which only store the lines and notify the vCPU's monitor; no code may call into the GIC while holding a {@code Cpu} monitor. Lines
 * are recomputed and pushed inside the critical section, so the last writer always leaves them consistent.
 * The GIC must be the only caller of {@code setInterruptLines} for its vCPUs (it only pushes changes).
 */
abstract class Gic implements InterruptController, IrqForwarding {
    static final int SPURIOUS = 1023;
    /** GICv2 GICC_IAR: the highest-priority pending interrupt is Group 1 and AckCtl is 0. */
    static final int SPURIOUS_GROUP1 = 1022;

    /** Bit-per-interrupt state, one int per 32 INTIDs (the layout of the GICD_I*R registers). */
    static final class Bits {
        final int[] enabled;
        final int[] latch;
        final int[] level;
        final int[] active;
        final int[] group;
        final int[] edge;

        Bits(int words) {
            enabled = new int[words];
            latch = new int[words];
            level = new int[words];
            active = new int[words];
            group = new int[words];
            edge = new int[words];
        }

        int pending(int n) {
            return latch[n] | (level[n] & ~edge[n]);
        }
    }

    final Object lock = new Object();
    /** The Cpu object each vCPU currently runs with (null until connected). */
    private final Cpu[] cpus;
    final int nCpus;
    final int nIrqs;
    final int words;
    /** GICD_CTLR EnableGrp0 (bit 0) and EnableGrp1 (bit 1). */
    int distGroupEnable;
    /** INTIDs 0-31 of each CPU (word 0 used). */
    final Bits[] banked;
    /** SPIs (words 1 and up used). */
    final Bits shared;
    final byte[][] bankedPriority;
    final byte[] spiPriority;
    /** GICv2: pending SGIs per target CPU, SGI and source CPU (bit mask of sources); unused on GICv3. */
    final byte[][] sgiSources;
    final CpuInterfaceState[] cpuIf;
    private final int priorityBits;
    private final int minBpr0;
    private final boolean aprPerGroup;
    private final boolean[] irqOut;
    private final boolean[] fiqOut;
    /** Forwarded SPIs: INTID to the host interrupt bound to it. */
    private final java.util.Map<Integer, PhysicalInterrupt> forwarded = new java.util.HashMap<>();
    private DeactivationListener deactivationListener;

    Gic(int nCpus, int nIrqs, int priorityBits, int minBpr0, boolean aprPerGroup) {
        if (nIrqs < 64 || nIrqs > 1024 || nIrqs % 32 != 0) {
            throw new IllegalArgumentException("a GIC implements a multiple of 32 INTIDs from 64 to 1024, not "
                    + nIrqs);
        }
        this.nCpus = nCpus;
        this.cpus = new Cpu[nCpus];
        this.nIrqs = nIrqs;
        this.words = nIrqs / 32;
        this.priorityBits = priorityBits;
        this.minBpr0 = minBpr0;
        this.aprPerGroup = aprPerGroup;
        banked = new Bits[nCpus];
        bankedPriority = new byte[nCpus][32];
        sgiSources = new byte[nCpus][16];
        cpuIf = new CpuInterfaceState[nCpus];
        for (int c = 0; c < nCpus; c++) {
            banked[c] = new Bits(1);
        }
        shared = new Bits(words);
        spiPriority = new byte[nIrqs];
        irqOut = new boolean[nCpus];
        fiqOut = new boolean[nCpus];
        resetState();
    }

    /** Puts every register back to its reset value (input line levels are wires: they are kept). */
    @Override
    public void reset() {
        synchronized (lock) {
            resetState();
            updateAll();
        }
    }

    private void resetState() {
        distGroupEnable = 0;
        for (int c = 0; c < nCpus; c++) {
            clear(banked[c]);
            banked[c].edge[0] = 0xffff; // SGIs are always edge-triggered
            Arrays.fill(bankedPriority[c], (byte) 0);
            Arrays.fill(sgiSources[c], (byte) 0);
            cpuIf[c] = new CpuInterfaceState(priorityBits, minBpr0, minBpr0 + 1, aprPerGroup);
        }
        clear(shared);
        Arrays.fill(spiPriority, (byte) 0);
        resetVersionState();
    }

    private static void clear(Bits b) {
        for (int[] a : new int[][] {b.enabled, b.latch, b.active, b.group, b.edge}) {
            Arrays.fill(a, 0);
        }
    }

    // ---- snapshot ----

    @Override
    public void saveState(DataOutput out) throws IOException {
        synchronized (lock) {
            out.writeInt(nCpus);
            out.writeInt(nIrqs);
            out.writeInt(distGroupEnable);
            for (int c = 0; c < nCpus; c++) {
                saveBits(out, banked[c]);
                out.write(bankedPriority[c]);
                out.write(sgiSources[c]);
                cpuIf[c].saveState(out);
            }
            saveBits(out, shared);
            out.write(spiPriority);
            saveVersionState(out);
        }
    }

    @Override
    public Runnable loadState(DataInput in) throws IOException {
        int cpus = in.readInt();
        int irqs = in.readInt();
        if (cpus != nCpus || irqs != nIrqs) {
            throw new IOException("GIC: saved for " + cpus + " CPUs and " + irqs + " INTIDs, this GIC has "
                    + nCpus + " and " + nIrqs);
        }
        int groupEnable = in.readInt() & 3;
        Bits[] b = new Bits[nCpus];
        byte[][] prio = new byte[nCpus][32];
        byte[][] sources = new byte[nCpus][16];
        CpuInterfaceState[] ifs = new CpuInterfaceState[nCpus];
        for (int c = 0; c < nCpus; c++) {
            b[c] = loadBits(in, 1);
            in.readFully(prio[c]);
            in.readFully(sources[c]);
            ifs[c] = new CpuInterfaceState(priorityBits, minBpr0, minBpr0 + 1, aprPerGroup);
            ifs[c].loadState(in);
        }
        Bits spis = loadBits(in, words);
        byte[] spiPrio = new byte[nIrqs];
        in.readFully(spiPrio);
        Runnable version = loadVersionState(in);
        return () -> {
            synchronized (lock) {
                distGroupEnable = groupEnable;
                for (int c = 0; c < nCpus; c++) {
                    copyBits(b[c], banked[c]);
                    System.arraycopy(prio[c], 0, bankedPriority[c], 0, 32);
                    System.arraycopy(sources[c], 0, sgiSources[c], 0, 16);
                    cpuIf[c] = ifs[c];
                }
                copyBits(spis, shared);
                System.arraycopy(spiPrio, 0, spiPriority, 0, nIrqs);
                version.run();
                updateAll();
            }
        };
    }

    private static void saveBits(DataOutput out, Bits b) throws IOException {
        for (int[] a : new int[][] {b.enabled, b.latch, b.level, b.active, b.group, b.edge}) {
            for (int w : a) {
                out.writeInt(w);
            }
        }
    }

    private static Bits loadBits(DataInput in, int words) throws IOException {
        Bits b = new Bits(words);
        for (int[] a : new int[][] {b.enabled, b.latch, b.level, b.active, b.group, b.edge}) {
            for (int i = 0; i < words; i++) {
                a[i] = in.readInt();
            }
        }
        return b;
    }

    private static void copyBits(Bits from, Bits to) {
        System.arraycopy(from.enabled, 0, to.enabled, 0, to.enabled.length);
        System.arraycopy(from.latch, 0, to.latch, 0, to.latch.length);
        System.arraycopy(from.level, 0, to.level, 0, to.level.length);
        System.arraycopy(from.active, 0, to.active, 0, to.active.length);
        System.arraycopy(from.group, 0, to.group, 0, to.group.length);
        System.arraycopy(from.edge, 0, to.edge, 0, to.edge.length);
    }

    // ---- version-specific policy ----

    /** Saves the version's own registers (SPI targets or routes, redistributor power); called under the lock. */
    abstract void saveVersionState(DataOutput out) throws IOException;

    /** Reads what {@link #saveVersionState} wrote; the action runs under the lock. */
    abstract Runnable loadVersionState(DataInput in) throws IOException;


    /** Whether SPI {@code intid} is routed to CPU {@code cpu}. */
    abstract boolean targets(int intid, int cpu);

    /** Whether a Group 0 interrupt is signalled to {@code cpu} as FIQ rather than IRQ. */
    abstract boolean group0IsFiq(int cpu);

    /** Resets the version's own registers (routing, redistributor power); called under the lock. */
    abstract void resetVersionState();

    /** The window whose registers userspace reaches in {@code frame} (any CPU's, selected by the caller). */
    abstract RegisterWindow frame(GicFrame frame);

    // ---- userspace register access ----

    @Override
    public int readRegister(GicFrame frame, int cpu, int offset) {
        checkCpu(cpu);
        RegisterWindow w = frame(frame);
        synchronized (lock) {
            return w.peekWord(cpu, offset & ~3);
        }
    }

    @Override
    public void writeRegister(GicFrame frame, int cpu, int offset, int value) {
        checkCpu(cpu);
        RegisterWindow w = frame(frame);
        synchronized (lock) {
            w.writeWord(cpu, offset & ~3, value, -1);
        }
    }

    // ---- InterruptController ----

    @Override
    public int cpuCount() {
        return nCpus;
    }

    @Override
    public int interruptCount() {
        return nIrqs;
    }

    @Override
    public void setLevel(int intid, boolean level) {
        if (intid < 32 || intid >= nIrqs) {
            throw new IllegalArgumentException(
                    "INTID " + intid + " is not an SPI of this GIC (32.." + (nIrqs - 1) + ")");
        }
        synchronized (lock) {
            if (drive(shared, intid, level)) {
                updateAll();
            }
        }
    }

    @Override
    public void setPrivateLevel(int cpu, int intid, boolean level) {
        if (intid < 16 || intid >= 32) {
            throw new IllegalArgumentException("INTID " + intid + " is not a PPI (16..31)");
        }
        checkCpu(cpu);
        synchronized (lock) {
            if (drive(banked[cpu], intid, level)) {
                update(cpu);
            }
        }
    }

    /** Sets an input line; returns whether anything changed. A rising edge latches edge-triggered inputs. */
    private static boolean drive(Bits b, int intid, boolean level) {
        int n = intid >> 5;
        int bit = 1 << (intid & 31);
        boolean was = (b.level[n] & bit) != 0;
        if (was == level) {
            return false;
        }
        if (level) {
            b.level[n] |= bit;
            if ((b.edge[n] & bit) != 0) {
                b.latch[n] |= bit;
            }
        } else {
            b.level[n] &= ~bit;
        }
        return true;
    }

    void checkCpu(int cpu) {
        if (cpu < 0 || cpu >= nCpus) {
            throw new IllegalArgumentException("CPU " + cpu + " does not exist (" + nCpus + " CPUs)");
        }
    }

    /**
     * The CPU issuing the current MMIO access (banked registers). Host threads that declared no bus master
     * (debugger, loaders) see CPU 0's bank; another bus master (a DMA device) cannot reach the GIC.
     */
    int accessingCpu(long address) {
        int id = BusMaster.current();
        if (id == BusMaster.NONE) {
            return 0;
        }
        if (id < 0 || id >= nCpus) {
            throw new BusError(address, "GIC access from bus master " + id + ", which is not a CPU");
        }
        return id;
    }

    // ---- state access by (cpu, INTID); lock held ----

    Bits bits(int cpu, int n) {
        return n == 0 ? banked[cpu] : shared;
    }

    int priority(int cpu, int intid) {
        return (intid < 32 ? bankedPriority[cpu][intid] : spiPriority[intid]) & 0xff;
    }

    void setPriority(int cpu, int intid, int value) {
        if (intid < 32) {
            bankedPriority[cpu][intid] = (byte) value;
        } else {
            spiPriority[intid] = (byte) value;
        }
    }

    int group(int cpu, int intid) {
        return (bits(cpu, intid >> 5).group[intid >> 5] >>> (intid & 31)) & 1;
    }

    /** Sets or clears the pending latch of an SGI as a GICv2 source-tracking distributor sees it. */
    void setSgiSources(int cpu, int sgi, int sources) {
        sgiSources[cpu][sgi] = (byte) sources;
        if (sources != 0) {
            banked[cpu].latch[0] |= 1 << sgi;
        } else {
            banked[cpu].latch[0] &= ~(1 << sgi);
        }
    }

    // ---- selection and signalling; lock held ----

    /**
     * The highest-priority pending, enabled, not active interrupt for {@code cpu} among the groups enabled in
     * both the distributor and the CPU interface; -1 if none. Ties go to the lowest INTID.
     */
    int highestPending(int cpu) {
        int groups = distGroupEnable & cpuIf[cpu].groupEnable;
        if (groups == 0) {
            return -1;
        }
        int best = -1;
        int bestPriority = Integer.MAX_VALUE;
        int mask = cpuIf[cpu].priorityMask();
        for (int n = 0; n < words; n++) {
            Bits b = bits(cpu, n);
            int groupMask = ((groups & 1) != 0 ? ~b.group[n] : 0) | ((groups & 2) != 0 ? b.group[n] : 0);
            int candidates = b.pending(n) & b.enabled[n] & ~b.active[n] & groupMask;
            while (candidates != 0) {
                int intid = n * 32 + Integer.numberOfTrailingZeros(candidates);
                candidates &= candidates - 1;
                if (n > 0 && !targets(intid, cpu)) {
                    continue;
                }
                int p = priority(cpu, intid) & mask;
                if (p < bestPriority) {
                    best = intid;
                    bestPriority = p;
                }
            }
        }
        return best;
    }

    /** The highest-priority pending interrupt if its priority allows it to be signalled now, else -1. */
    int signallable(int cpu) {
        int intid = highestPending(cpu);
        if (intid >= 0 && cpuIf[cpu].canSignal(priority(cpu, intid), group(cpu, intid))) {
            return intid;
        }
        return -1;
    }

    /** Recomputes and drives {@code cpu}'s IRQ/FIQ lines. */
    void update(int cpu) {
        int intid = signallable(cpu);
        boolean fiq = intid >= 0 && group(cpu, intid) == 0 && group0IsFiq(cpu);
        boolean irq = intid >= 0 && !fiq;
        if (irq != irqOut[cpu] || fiq != fiqOut[cpu]) {
            irqOut[cpu] = irq;
            fiqOut[cpu] = fiq;
            if (cpus[cpu] != null) {
                cpus[cpu].setInterruptLines(irq, fiq);
            }
        }
    }

    @Override
    public void connect(int cpu, Cpu target) {
        checkCpu(cpu);
        synchronized (lock) {
            cpus[cpu] = target;
            target.setInterruptLines(irqOut[cpu], fiqOut[cpu]);
        }
    }

    void updateAll() {
        for (int c = 0; c < nCpus; c++) {
            update(c);
        }
    }

    /** After a change to INTID {@code intid}'s state as seen by {@code cpu}. */
    void updateFor(int cpu, int intid) {
        if (intid < 32) {
            update(cpu);
        } else {
            updateAll();
        }
    }

    // ---- acknowledge, EOI, deactivate; lock held ----

    /**
     * Acknowledges {@code intid} on {@code cpu}: clears its pending latch (for a GICv2 SGI, that of the
     * lowest-numbered source), makes it active, makes its priority active. Returns the IAR value: the INTID,
     * with the source CPU in bits 12:10 for a GICv2 SGI.
     */
    int acknowledge(int cpu, int intid, boolean sgiSourceTracking) {
        int n = intid >> 5;
        int bit = 1 << (intid & 31);
        Bits b = bits(cpu, n);
        int iar = intid;
        if (intid < 16 && sgiSourceTracking) {
            int sources = sgiSources[cpu][intid] & 0xff;
            int source = Integer.numberOfTrailingZeros(sources);
            setSgiSources(cpu, intid, sources & ~(1 << source));
            iar |= source << 10;
        } else {
            b.latch[n] &= ~bit;
        }
        b.active[n] |= bit;
        cpuIf[cpu].activate(priority(cpu, intid), group(cpu, intid));
        updateFor(cpu, intid);
        return iar;
    }

    /**
     * An end-of-interrupt write ({@code intid} without the source bits): drops the running priority and, unless
     * EOImode splits the two, deactivates. Writes of the special INTIDs 1020-1023 are ignored.
     */
    void endOfInterrupt(int cpu, int intid) {
        if (intid >= 1020) {
            return;
        }
        CpuInterfaceState ci = cpuIf[cpu];
        ci.dropPriority();
        if (!ci.eoiModeSplit) {
            deactivate(cpu, intid);
        }
        update(cpu);
    }

    /**
     * Deactivation (EOI with EOImode 0, or a DIR write): the interrupt is no longer active. A forwarded SPI
     * deactivates its host interrupt, then the deactivation listener hears of it.
     */
    void deactivate(int cpu, int intid) {
        if (intid >= nIrqs) {
            return;
        }
        int n = intid >> 5;
        int bit = 1 << (intid & 31);
        Bits b = bits(cpu, n);
        boolean wasActive = (b.active[n] & bit) != 0;
        b.active[n] &= ~bit;
        if (wasActive) {
            PhysicalInterrupt host = forwarded.get(intid);
            if (host != null) {
                host.deactivate();
            }
            if (deactivationListener != null) {
                deactivationListener.deactivated(cpu, intid);
            }
        }
        updateFor(cpu, intid);
    }

    // ---- forwarding (IrqForwarding) ----

    @Override
    public void setDeactivationListener(DeactivationListener listener) {
        synchronized (lock) {
            deactivationListener = listener;
        }
    }

    @Override
    public void forward(PhysicalInterrupt host, int guestIrq) {
        if (guestIrq < 32 || guestIrq >= nIrqs) {
            throw new IllegalArgumentException("INTID " + guestIrq + " is not an SPI of this GIC");
        }
        synchronized (lock) {
            if (forwarded.containsKey(guestIrq)) {
                throw new IllegalArgumentException("INTID " + guestIrq + " is already forwarded");
            }
            forwarded.put(guestIrq, host);
            host.setHandler(() -> {
                synchronized (lock) {
                    shared.latch[guestIrq >> 5] |= 1 << (guestIrq & 31);
                    updateAll();
                }
            });
        }
    }

    @Override
    public void unforward(int guestIrq) {
        synchronized (lock) {
            PhysicalInterrupt host = forwarded.remove(guestIrq);
            if (host == null) {
                return;
            }
            host.setHandler(null);
            int n = guestIrq >> 5;
            int bit = 1 << (guestIrq & 31);
            shared.latch[n] &= ~bit;
            shared.active[n] &= ~bit;
            if (host.isActive()) {
                host.deactivate();
            }
            updateAll();
        }
    }

    // ---- register helpers shared by the distributor, redistributor and CPU interface views ----

    /** Kinds of bit-per-interrupt distributor registers. */
    enum BitReg { GROUP, SET_ENABLE, CLEAR_ENABLE, SET_PENDING, CLEAR_PENDING, SET_ACTIVE, CLEAR_ACTIVE }

    /** Reads word {@code n} (INTIDs 32n..32n+31) of a bit register as {@code cpu} sees it. */
    int readBits(BitReg reg, int cpu, int n) {
        if (n >= words) {
            return 0;
        }
        Bits b = bits(cpu, n);
        return switch (reg) {
            case GROUP -> b.group[n];
            case SET_ENABLE, CLEAR_ENABLE -> b.enabled[n];
            case SET_PENDING, CLEAR_PENDING -> b.pending(n);
            case SET_ACTIVE, CLEAR_ACTIVE -> b.active[n];
        };
    }

    /**
     * Writes word {@code n} of a bit register; {@code byteMask} selects the bytes written (sub-word accesses).
     * {@code fixed} are bits that writes cannot change (GICv2's always-enabled SGIs, SGI pending bits).
     */
    void writeBits(BitReg reg, int cpu, int n, int value, int byteMask, int fixed) {
        if (n >= words) {
            return;
        }
        Bits b = bits(cpu, n);
        int v = value & byteMask & ~fixed;
        switch (reg) {
            case GROUP -> b.group[n] = (b.group[n] & ~(byteMask & ~fixed)) | v;
            case SET_ENABLE -> b.enabled[n] |= v;
            case CLEAR_ENABLE -> b.enabled[n] &= ~v;
            case SET_PENDING -> b.latch[n] |= v;
            case CLEAR_PENDING -> b.latch[n] &= ~v;
            case SET_ACTIVE -> b.active[n] |= v;
            case CLEAR_ACTIVE -> b.active[n] &= ~v;
        }
        if (n == 0) {
            update(cpu);
        } else {
            updateAll();
        }
    }

    /** GICD_ICFGR{@code m} / GICR_ICFGR{@code m}: two bits per interrupt, bit 1 set for edge-triggered. */
    int readConfig(int cpu, int m) {
        int n = m >> 1;
        if (n >= words) {
            return 0;
        }
        int half = (bits(cpu, n).edge[n] >>> ((m & 1) * 16)) & 0xffff;
        int result = 0;
        for (int i = 0; i < 16; i++) {
            result |= ((half >>> i) & 1) << (2 * i + 1);
        }
        return result;
    }

    /** Writes ICFGR{@code m}; SGIs' configuration (m = 0) is fixed at edge. */
    void writeConfig(int cpu, int m, int value, int byteMask) {
        int n = m >> 1;
        if (m == 0 || n >= words) {
            return;
        }
        int shift = (m & 1) * 16;
        Bits b = bits(cpu, n);
        for (int i = 0; i < 16; i++) {
            if ((byteMask >>> (2 * i) & 1) != 0) {
                int bit = 1 << (shift + i);
                b.edge[n] = ((value >>> (2 * i + 1)) & 1) != 0 ? b.edge[n] | bit : b.edge[n] & ~bit;
            }
        }
        if (n == 0) {
            update(cpu);
        } else {
            updateAll();
        }
    }

    /** A 32-bit register write's byte lanes as a bit mask, for an access of {@code size} at {@code offset}. */
    static int byteMask(long offset, int size) {
        int lanes = size >= 4 ? 0xffff_ffff : (1 << (size * 8)) - 1;
        return lanes << ((offset & 3) * 8);
    }
}
