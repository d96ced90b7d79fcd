package dev.armature.arch.aarch64;

/**
 * Exception entry and return (Arm ARM D1.10, D1.11): routing to EL1 or EL2, vectors, syndrome, banked state,
 * and the illegal exception return checks.
 *
 * <p>Routing implemented: synchronous exceptions go to the current EL or EL1 (whichever is higher), HVC, stage-2
 * aborts and traps of EL2 controls go to EL2, and with HCR_EL2.TGE = 1 those from EL0 that would go to EL1 go
 * to EL2. Physical IRQ/FIQ/SError go to EL2 when HCR_EL2.IMO/FMO/AMO (or TGE) route them there — then they are
 * taken at EL0/EL1 whatever PSTATE.I/F/A say, and not at all at EL2 otherwise. Virtual interrupts
 * (HCR_EL2.VI/VF/VSE with IMO/FMO/AMO) are taken at EL0/EL1 only, to EL1, masked by PSTATE (see
 * {@link #pendingInterrupt}). Not implemented: AArch32 lower ELs (vector offset 0x600).
 */
public final class Exceptions {
    public static final int VECTOR_SYNC = 0x000;
    public static final int VECTOR_IRQ = 0x080;
    public static final int VECTOR_FIQ = 0x100;
    public static final int VECTOR_SERROR = 0x180;

    private static final long HCR_FMO = 1L << 3;
    private static final long HCR_IMO = 1L << 4;
    private static final long HCR_AMO = 1L << 5;
    private static final long HCR_VF = 1L << 6;
    private static final long HCR_VSE = 1L << 8;
    private static final long HCR_TSC = 1L << 19;
    private static final long HCR_TGE = 1L << 27;
    private static final long HCR_HCD = 1L << 29;
    private static final long HCR_RW = 1L << 31;

    private Exceptions() {
    }

    /**
     * Handles a synchronous exception: via the hook if it claims it, else architecturally. HVC and SMC arrive
     * with the next instruction as preferred return (as an SVC); when they turn out UNDEFINED (no EL2, EL0, no
     * EL3) the exception returns to the instruction itself.
     */
    public static void takeSync(Cpu cpu, SyncException e) {
        cpu.pc = e.preferredReturn;
        ExceptionHook hook = cpu.exceptionHook;
        if (hook != null && hook.handle(cpu, e)) {
            return;
        }
        int ec = e.ec;
        int iss = e.iss & 0x1ff_ffff;
        int target = e.targetEl != 0 ? e.targetEl : Math.max(cpu.el, 1);
        if (target == 1 && cpu.el == 0 && cpu.model.has(Feature.EL2) && (cpu.sys.hcrEl2 & HCR_TGE) != 0) {
            target = 2; // TGE: EL0's exceptions go to EL2
        }
        long returnAddress = cpu.pc;
        if (ec == Esr.EC_HVC64) {
            // HVC is UNDEFINED at EL0, without EL2, and (no EL3) while HCR_EL2.HCD disables it.
            if (cpu.model.has(Feature.EL2) && cpu.el > 0 && (cpu.sys.hcrEl2 & HCR_HCD) == 0) {
                target = 2;
            } else {
                ec = Esr.EC_UNKNOWN;
                iss = 0;
                returnAddress -= 4;
            }
        } else if (ec == Esr.EC_SMC64) {
            // No EL3: SMC is UNDEFINED, unless HCR_EL2.TSC traps it from EL1 to EL2. Both return to the SMC.
            returnAddress -= 4;
            if (cpu.el == 1 && cpu.model.has(Feature.EL2) && (cpu.sys.hcrEl2 & HCR_TSC) != 0) {
                target = 2;
            } else {
                ec = Esr.EC_UNKNOWN;
                iss = 0;
            }
        }
        long esr = (long) ec << 26 | Esr.IL | iss;
        if (target == 2) {
            cpu.sys.esrEl2 = esr;
            if (e.farValid) {
                cpu.sys.farEl2 = e.far;
            }
            if (e.ipa >= 0) {
                cpu.sys.hpfarEl2 = e.ipa >>> 12 << 4; // FIPA: IPA[47:12]
            }
        } else {
            cpu.sys.esrEl1 = esr;
            if (e.farValid) {
                cpu.sys.farEl1 = e.far;
            }
        }
        enter(cpu, target, VECTOR_SYNC, returnAddress);
    }

    /** The EL a physical interrupt of this vector goes to: EL2 if HCR_EL2.IMO/FMO/AMO (or TGE) say so, else EL1. */
    private static int physicalTarget(Cpu cpu, int vector) {
        if (!cpu.model.has(Feature.EL2)) {
            return 1;
        }
        long route = switch (vector) {
            case VECTOR_IRQ -> HCR_IMO;
            case VECTOR_FIQ -> HCR_FMO;
            default -> HCR_AMO;
        };
        return (cpu.sys.hcrEl2 & (route | HCR_TGE)) != 0 ? 2 : 1;
    }

    /**
     * The interrupt to take at this instruction boundary, as {@code targetEl << 12 | vector offset}, or 0 if
     * none (Arm ARM D1.3.6, no EL3). A physical interrupt routed to EL2 is taken from EL0/EL1 regardless of
     * PSTATE and at EL2 only when unmasked; routed to EL1 it is taken at EL0/EL1 when unmasked and never at EL2.
     * Virtual IRQ/FIQ/SError exist while HCR_EL2.VI/VF/VSE and IMO/FMO/AMO are set (TGE clear): taken to EL1 from
     * EL0/EL1 when PSTATE unmasks them. Order: physical FIQ, physical IRQ, virtual SError, virtual FIQ, virtual
     * IRQ. Any thread may ask (a stale answer only delays or repeats the owner's own check).
     */
    public static int pendingInterrupt(Cpu cpu) {
        int daif = cpu.daif;
        if (cpu.fiqLine && physicalDeliverable(cpu, VECTOR_FIQ, daif & 0x40)) {
            return physicalTarget(cpu, VECTOR_FIQ) << 12 | VECTOR_FIQ;
        }
        if (cpu.irqLine && physicalDeliverable(cpu, VECTOR_IRQ, daif & 0x80)) {
            return physicalTarget(cpu, VECTOR_IRQ) << 12 | VECTOR_IRQ;
        }
        if (cpu.el < 2 && cpu.model.has(Feature.EL2)) {
            long hcr = cpu.sys.hcrEl2;
            if ((hcr & HCR_TGE) == 0) {
                if ((hcr & (HCR_VSE | HCR_AMO)) == (HCR_VSE | HCR_AMO) && (daif & 0x100) == 0) {
                    return 1 << 12 | VECTOR_SERROR;
                }
                if ((hcr & (HCR_VF | HCR_FMO)) == (HCR_VF | HCR_FMO) && (daif & 0x40) == 0) {
                    return 1 << 12 | VECTOR_FIQ;
                }
                if (cpu.virtualIrq() && (hcr & HCR_IMO) != 0 && (daif & 0x80) == 0) {
                    return 1 << 12 | VECTOR_IRQ;
                }
            }
        }
        return 0;
    }

    private static boolean physicalDeliverable(Cpu cpu, int vector, int masked) {
        int target = physicalTarget(cpu, vector);
        return cpu.el < target || (cpu.el == target && masked == 0);
    }

    /**
     * Takes the interrupt {@link #pendingInterrupt} returned; {@code returnAddress} is the next instruction. A
     * virtual SError is consumed (HCR_EL2.VSE cleared) and reports ESR_EL1 = EC 0x2F, ISS 0 (ARMv8.0 has no
     * VSESR_EL2 to choose another syndrome).
     */
    public static void takeInterrupt(Cpu cpu, int pending, long returnAddress) {
        int target = pending >>> 12;
        int vector = pending & 0xfff;
        if (vector == VECTOR_SERROR && target == 1) {
            cpu.sys.hcrEl2 &= ~HCR_VSE;
            cpu.sys.esrEl1 = (long) Esr.EC_SERROR << 26 | Esr.IL;
        }
        enter(cpu, target, vector, returnAddress);
    }

    /** Vector offset of the group: current EL with SP_EL0 0x000, with SP_ELx 0x200, lower EL (AArch64) 0x400. */
    static long vectorOffset(Cpu cpu, int target) {
        if (cpu.el == target) {
            return cpu.spSel ? 0x200 : 0x000;
        }
        return 0x400;
    }

    private static void enter(Cpu cpu, int target, int vector, long returnAddress) {
        long offset = vectorOffset(cpu, target);
        long spsr = cpu.pstate();
        long base;
        if (target == 2) {
            cpu.sys.spsrEl2 = spsr;
            cpu.sys.elrEl2 = returnAddress;
            base = cpu.sys.vbarEl2;
        } else {
            cpu.sys.spsrEl1 = spsr;
            cpu.sys.elrEl1 = returnAddress;
            base = cpu.sys.vbarEl1;
        }
        cpu.daif = 0x3c0;
        cpu.ss = false;
        cpu.il = false;
        cpu.setMode(target, true);
        cpu.pc = base + offset + vector;
        cpu.exclusiveAddress = -1; // exception entry clears the local monitor
    }

    /**
     * ERET from EL1 or EL2: restores PSTATE from SPSR_ELx and branches to ELR_ELx. An illegal return (see
     * {@link #illegalReturn}) keeps EL and SP, sets PSTATE.IL, and takes NZCV/DAIF from the SPSR; the next
     * instruction then raises an Illegal Execution state exception ({@link #checkIllegalState}).
     */
    public static void eret(Cpu cpu) {
        int el = cpu.el;
        if (el == 0) {
            throw SyncException.undefined(cpu.pc);
        }
        long spsr = el == 2 ? cpu.sys.spsrEl2 : cpu.sys.spsrEl1;
        long target = el == 2 ? cpu.sys.elrEl2 : cpu.sys.elrEl1;
        if (illegalReturn(cpu, spsr)) {
            cpu.setNzcv((int) spsr);
            cpu.daif = (int) (spsr & 0x3c0);
            cpu.ss = (spsr & (1L << 21)) != 0;
            cpu.il = true;
        } else {
            cpu.setPstate(spsr);
        }
        cpu.nextPc = target;
        cpu.exclusiveAddress = -1;
        cpu.updateInterrupts();
    }

    /**
     * The illegal exception return cases for an AArch64-only CPU without EL3: SPSR.M[4]=1 (AArch32), a target
     * EL above the current one or not implemented, the reserved M[1]=1, EL0 with M[0]=1, and from EL2: a lower
     * EL that HCR_EL2.RW=0 makes AArch32, or EL1 while HCR_EL2.TGE=1.
     */
    static boolean illegalReturn(Cpu cpu, long spsr) {
        int m = (int) spsr & 0x1f;
        int targetEl = m >>> 2 & 3;
        if ((m & 0x10) != 0 || (m & 2) != 0 || targetEl > cpu.el || (targetEl == 0 && (m & 1) != 0)) {
            return true;
        }
        if (targetEl == 2 && !cpu.model.has(Feature.EL2)) {
            return true;
        }
        if (cpu.el == 2 && targetEl < 2) {
            long hcr = cpu.sys.hcrEl2;
            return (hcr & HCR_RW) == 0 || (targetEl == 1 && (hcr & HCR_TGE) != 0);
        }
        return false;
    }

    /** Before executing an instruction: PSTATE.IL set by an illegal return raises EC 0x0E. */
    public static void checkIllegalState(Cpu cpu) {
        if (cpu.il) {
            throw new SyncException(Esr.EC_ILLEGAL_STATE, 0, 0, false, cpu.pc);
        }
    }
}
