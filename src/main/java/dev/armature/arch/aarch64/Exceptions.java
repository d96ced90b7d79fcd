package dev.armature.arch.aarch64;

/** Exception entry and return (Arm ARM D1.10, D1.11): vectors, syndrome, banked state. */
public final class Exceptions {
    public static final int VECTOR_SYNC = 0x000;
    public static final int VECTOR_IRQ = 0x080;
    public static final int VECTOR_FIQ = 0x100;
    public static final int VECTOR_SERROR = 0x180;

    private Exceptions() {
    }

    /** Handles a synchronous exception: via the hook if it claims it, else architecturally at EL1. */
    public static void takeSync(Cpu cpu, SyncException e) {
        cpu.pc = e.preferredReturn;
        ExceptionHook hook = cpu.exceptionHook;
        if (hook != null && hook.handle(cpu, e)) {
            return;
        }
        cpu.sys.esrEl1 = (long) e.ec << 26 | 1L << 25 | (e.iss & 0x1ff_ffff);
        if (e.farValid) {
            cpu.sys.farEl1 = e.far;
        }
        enter(cpu, VECTOR_SYNC, e.preferredReturn);
    }

    /** Takes an asynchronous exception (IRQ, FIQ, SError) to EL1; {@code returnAddress} is the next insn. */
    public static void takeAsync(Cpu cpu, int vector, long returnAddress) {
        enter(cpu, vector, returnAddress);
    }

    private static void enter(Cpu cpu, int vector, long returnAddress) {
        int target = 1;
        long base = cpu.sys.vbarEl1;
        long offset;
        if (cpu.el == target) {
            offset = cpu.spSel ? 0x200 : 0x000;
        } else {
            offset = 0x400; // lower EL, AArch64
        }
        cpu.sys.spsrEl1 = cpu.pstate();
        cpu.sys.elrEl1 = returnAddress;
        cpu.daif = 0x3c0;
        cpu.ss = false;
        cpu.il = false;
        cpu.setMode(target, true);
        cpu.pc = base + offset + vector;
        cpu.exclusiveAddress = -1; // exception entry clears the local monitor
    }

    /** ERET from EL1: restores PSTATE from SPSR_EL1 and branches to ELR_EL1. */
    public static void eret(Cpu cpu) {
        long spsr = cpu.sys.spsrEl1;
        int m = (int) spsr & 0x1f;
        int targetEl = m >>> 2;
        boolean illegal = (m & 0x10) != 0 || targetEl > cpu.el || (m & 2) != 0;
        long target = cpu.sys.elrEl1;
        if (illegal) {
            // Illegal return: PSTATE.IL set, mode unchanged (D1.11.5).
            cpu.nzcv = (int) (spsr & 0xf000_0000L);
            cpu.daif = (int) (spsr & 0x3c0);
            cpu.il = true;
        } else {
            cpu.setPstate(spsr);
        }
        cpu.nextPc = target;
        cpu.exclusiveAddress = -1;
    }
}
