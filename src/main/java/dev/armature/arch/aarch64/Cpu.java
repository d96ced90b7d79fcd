package dev.armature.arch.aarch64;

import java.lang.invoke.VarHandle;

/**
 * The architectural state of one vCPU and the entry points its instructions use.
 *
 * <p>Register file layout: {@code r[0..30]} are X0..X30; {@code r[31]} always reads as zero (XZR);
 * {@code r[32]} is a write sink for XZR destinations; {@code r[33]} is the current stack pointer (the SP
 * selected by PSTATE.EL/SPSel — the other banked SPs live in {@link #spBank}). Decoders resolve register 31
 * to {@link #XZR}/{@link #SINK} or {@link #SP} once, so semantics never test for it.
 *
 * <p>PSTATE.NZCV lives in four fields in the form a flag-setting instruction produces them, so that setting them
 * is a few stores with no packing, and testing a condition is one or two compares ({@code B.NE} after {@code SUBS}
 * compiles to a test of the subtraction's result): {@link #nf} holds N in its sign bit, {@link #zf} is zero exactly
 * when Z is set, {@link #cf} is C as 0 or 1, and {@link #vf} holds V in its sign bit. ADDS/SUBS store their result
 * in both {@code nf} and {@code zf} (32-bit forms sign-extend the W result, so bit 63 is bit 31 and the value is
 * zero iff the W result is), the carry out in {@code cf} and {@code (a ^ r) & (b ^ r)} in {@code vf}
 * ({@link Alu#addWithCarry64}). Everything else (MRS/MSR NZCV, SPSR, snapshots, debuggers, tests) uses the packed
 * form through {@link #nzcv()} and {@link #setNzcv(int)}; conditions test the fields in {@link Condition}.
 *
 * <p>Threading: a Cpu is owned by its vCPU thread. Other threads only touch {@link #exitRequest} (and the
 * interrupt lines, through the GIC), which are volatile, read {@link #executing}, and ask for TLB flushes through
 * {@code memory.requestFlush()}.
 */
public final class Cpu {
    public static final int XZR = 31;
    public static final int SINK = 32;
    public static final int SP = 33;

    /** Exit-request bits: why the execution loop must return to its caller. */
    public static final int EXIT_STOP = 1;
    public static final int EXIT_INTERRUPT = 2;
    /** Another thread asked for a TLB flush or a barrier: the loop calls {@code memory.serviceFlushRequests()}. */
    public static final int EXIT_TLB_FLUSH = 4;
    /**
     * The instrumentation changed while the vCPU ran (the embedding API's hooks, changed from a callback): the
     * loop returns to its caller, as for {@link #EXIT_STOP}, so the caller re-instruments between blocks and
     * resumes. The probe stops before its next call's block or instruction while it is pending.
     */
    public static final int EXIT_REINSTRUMENT = 8;

    public final long[] r = new long[34];
    public long pc;
    public long nextPc;
    // PSTATE.NZCV in the form flag-setting instructions produce it (class comment); packed: nzcv()/setNzcv(int).
    /** N is bit 63 of {@code nf}. */
    public long nf;
    /** Z is set iff {@code zf == 0}. */
    public long zf = 1;
    /** C, as 0 or 1. */
    public int cf;
    /** V is bit 63 of {@code vf}. */
    public long vf;

    // PSTATE beyond NZCV.
    public int el = 1;
    public boolean spSel = true;
    /** D, A, I, F in bits 9..6, as DAIF/SPSR hold them. */
    public int daif = 0x3c0;
    public boolean ss;
    public boolean il;

    /** SP_EL0..SP_EL3 while not selected. */
    public final long[] spBank = new long[4];

    /** V0..V31: low 64 bits at v[2n], high 64 bits at v[2n+1]. */
    public final long[] v = new long[64];
    public int fpcr;
    public int fpsr;

    /** Local exclusive monitor: address and size of the open exclusive access, or -1 when closed. */
    public long exclusiveAddress = -1;
    public int exclusiveSize;
    public long exclusiveValue;
    public long exclusiveValueHigh;

    /** Set by other threads to make the run loop return; cleared by the loop's owner. */
    public volatile int exitRequest;

    /**
     * True while a run loop executes this vCPU's instructions (set by the executor on entry, cleared on exit);
     * TLB shootdowns wait only for executing vCPUs, because a run loop serves pending flushes when it starts.
     */
    public volatile boolean executing;

    /** Reaches the other vCPUs' TLBs for inner-shareable TLBI; null for a vCPU alone in its domain. */
    public TlbBroadcast tlbBroadcast;

    /** Interrupt lines from the interrupt controller (level: true while asserted). */
    public volatile boolean irqLine;
    public volatile boolean fiqLine;
    /** The interrupt controller's virtual IRQ output ({@link #setVirtualIrq}). */
    public volatile boolean virtualIrqLine;

    public final int index;
    public final CpuModel model;
    public final CpuMemory memory;
    public final SysRegs sys;
    /** Handles exceptions instead of the architectural vector when set (PSCI firmware, Linux user mode). */
    public ExceptionHook exceptionHook;
    /**
     * Instrumentation of execution, or null (the executors' fast paths). Set while the vCPU is not running, by
     * whoever also keeps the translator's cache consistent with it (the VM API's hooks).
     */
    public ExecutionProbe probe;

    public Cpu(int index, CpuModel model, CpuMemory memory) {
        this.index = index;
        this.model = model;
        this.memory = memory;
        this.sys = new SysRegs(this);
        memory.attach(this);
    }

    /** Requests the run loop to return at the next instruction boundary. Any thread. */
    public void requestExit(int why) {
        synchronized (this) {
            exitRequest |= why;
            notifyAll();
        }
    }

    /** Sets the IRQ/FIQ inputs (interrupt controller, any thread) and wakes the vCPU if one became deliverable. */
    public void setInterruptLines(boolean irq, boolean fiq) {
        irqLine = irq;
        fiqLine = fiq;
        synchronized (this) {
            notifyAll(); // wake WFI even when masked: WFI wakes on any pending interrupt
        }
        updateInterrupts();
    }

    /**
     * Sets the virtual IRQ input: the GICv2 virtual CPU interface's vIRQ output (any thread). It combines with
     * HCR_EL2.VI in {@link #virtualIrq}: a virtual IRQ is pending while either is set and HCR_EL2.IMO routes IRQs
     * to EL2.
     */
    public void setVirtualIrq(boolean asserted) {
        virtualIrqLine = asserted;
        synchronized (this) {
            notifyAll();
        }
        updateInterrupts();
    }

    /**
     * Re-evaluates whether an interrupt is deliverable ({@link Exceptions#pendingInterrupt}); called when lines
     * change, whenever PSTATE.DAIF is unmasked (MSR DAIF*, ERET) and when HCR_EL2 changes, so an interrupt is taken
     * at the next instruction boundary.
     *
     * <p>The full fence makes the store that preceded the call (the lines, by the interrupt controller's thread;
     * DAIF or HCR_EL2, by the vCPU's) visible before the other side's state is read. Both sides call this after
     * their store, so at least one of them sees both stores and requests the exit. Without it the vCPU could read
     * the line as low while its own unmasking still sat in its store buffer, and the controller's thread read DAIF
     * as masked: both concluded "not deliverable" and the interrupt waited until the next line change (a lost
     * wakeup that deadlocked the IPI stress test about once in ten runs).
     */
    public void updateInterrupts() {
        VarHandle.fullFence();
        if (Exceptions.pendingInterrupt(this) != 0) {
            requestExit(EXIT_INTERRUPT);
        }
    }

    /**
     * The virtual IRQ input, before routing: HCR_EL2.VI or the GIC virtual CPU interface's vIRQ output.
     */
    boolean virtualIrq() {
        return (sys.hcrEl2 & 0x80) != 0 || virtualIrqLine;
    }

    /** A virtual IRQ, FIQ or SError is pending for EL1 (VI/VF/VSE with HCR_EL2.IMO/FMO/AMO), masked or not. */
    boolean virtualInterruptPending() {
        long hcr = sys.hcrEl2;
        return el < 2 && (virtualIrq() && (hcr & 0x10) != 0 || (hcr & 0x40) != 0 && (hcr & 0x8) != 0
                || (hcr & 0x100) != 0 && (hcr & 0x20) != 0);
    }

    /**
     * WFI: parks this vCPU thread until an interrupt is pending (masked or not), an exit is requested, or
     * {@code timeoutNanos} passes (the generic timer's next deadline; 0 waits without limit).
     */
    public void waitForInterrupt(long timeoutNanos) {
        synchronized (this) {
            if (irqLine || fiqLine || exitRequest != 0 || virtualInterruptPending()) {
                return;
            }
            try {
                if (timeoutNanos > 0) {
                    wait(timeoutNanos / 1_000_000, (int) (timeoutNanos % 1_000_000));
                } else {
                    wait();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exitRequest |= EXIT_STOP;
            }
        }
    }

    public synchronized int takeExitRequest() {
        int e = exitRequest;
        exitRequest = 0;
        return e;
    }

    // ---- register helpers used by semantics ----

    public long x(int n) {
        return r[n];
    }

    public void setX(int n, long value) {
        r[n] = value;
    }

    public void setW(int n, long value) {
        r[n] = value & 0xffff_ffffL;
    }

    /** NZCV packed in bits 31..28, as the NZCV system register and SPSR hold it; the other bits are 0. */
    public int nzcv() {
        return (int) (nf >>> 63) << 31 | (zf == 0 ? 1 << 30 : 0) | cf << 29 | (int) (vf >>> 63) << 28;
    }

    /** Sets NZCV from bits 31..28 of {@code packed}; the other bits are ignored. */
    public void setNzcv(int packed) {
        nf = packed;
        zf = ~packed & 0x4000_0000;
        cf = (packed >>> 29) & 1;
        vf = packed << 3;
    }

    public void setNzcv(boolean n, boolean z, boolean c, boolean v) {
        nf = n ? -1 : 0;
        zf = z ? 0 : 1;
        cf = c ? 1 : 0;
        vf = v ? -1 : 0;
    }

    public boolean flagN() {
        return nf < 0;
    }

    public boolean flagZ() {
        return zf == 0;
    }

    public boolean flagC() {
        return cf != 0;
    }

    public boolean flagV() {
        return vf < 0;
    }

    // ---- PSTATE ----

    /** PSTATE in SPSR format (AArch64: M[4]=0). */
    public long pstate() {
        return (nzcv() & 0xf000_0000L) | (ss ? 1L << 21 : 0) | (il ? 1L << 20 : 0) | daif
                | ((long) el << 2) | (spSel ? 1 : 0);
    }

    /** Sets the exception level and SP selection, banking the stack pointer. */
    public void setMode(int newEl, boolean newSpSel) {
        spBank[spSel ? el : 0] = r[SP];
        el = newEl;
        spSel = newSpSel;
        r[SP] = spBank[spSel ? el : 0];
        memory.modeChanged();
    }

    /** Restores all of PSTATE from an SPSR-format value (ERET, state load). */
    public void setPstate(long spsr) {
        setNzcv((int) spsr);
        ss = (spsr & (1L << 21)) != 0;
        il = (spsr & (1L << 20)) != 0;
        daif = (int) (spsr & 0x3c0);
        setMode((int) (spsr >>> 2) & 3, (spsr & 1) != 0);
    }

    /** The SP of a given EL regardless of the current selection (SP_EL0, SP_EL1 system registers). */
    public long spOf(int level) {
        return (spSel ? el : 0) == level ? r[SP] : spBank[level];
    }

    public void setSpOf(int level, long value) {
        if ((spSel ? el : 0) == level) {
            r[SP] = value;
        } else {
            spBank[level] = value;
        }
    }

    /**
     * CheckSPAlignment() for a load/store based on SP: SP alignment fault (EC 0x26, no FAR) when SP is not
     * 16-byte aligned and SCTLR_EL1.SA0 (EL0), SCTLR_EL1.SA (EL1) or SCTLR_EL2.SA (EL2) enables the check.
     */
    public void checkSpAlignment() {
        if ((r[SP] & 15) != 0) {
            long sctlr = el == 2 ? sys.sctlrEl2 : sys.sctlrEl1;
            if ((sctlr & (el == 0 ? 1L << 4 : 1L << 3)) != 0) {
                throw new SyncException(Esr.EC_SP_ALIGN, 0, 0, false, pc);
            }
        }
    }

    // ---- memory, for semantics ----

    public long read(long va, int size) {
        return memory.read(va, size);
    }

    public void write(long va, int size, long value) {
        memory.write(va, size, value);
    }
}
