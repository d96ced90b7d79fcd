package dev.armature.arch.aarch64;

/**
 * A synchronous exception raised while executing an instruction (UNDEFINED, SVC, HVC, aborts, ...).
 * Thrown by instruction semantics or the memory path and caught by the executor, which takes the exception
 * architecturally (or hands it to a host handler, e.g. the Linux user-mode runner). It is control flow, thrown
 * often, so it has no stack trace.
 *
 * @param ec       exception class, ESR_ELx.EC
 * @param iss      instruction-specific syndrome, ESR_ELx.ISS (IL is added by the taker: always 32-bit A64)
 * @param far      faulting virtual address for aborts/alignment faults, when {@code farValid}
 * @param preferredReturn address the exception returns to (ELR): the faulting insn, or the next one for SVC/HVC/SMC
 * @param targetEl the Exception level the architecture routes this exception to, or 0 to let {@link Exceptions}
 *                 route it by its class (traps controlled by EL2 registers name EL2 here)
 * @param ipa      for a stage-2 abort: the faulting IPA (HPFAR_EL2), else -1
 */
public final class SyncException extends RuntimeException {
    public final int ec;
    public final int iss;
    public final long far;
    public final boolean farValid;
    public final long preferredReturn;
    public final int targetEl;
    public final long ipa;

    public SyncException(int ec, int iss, long far, boolean farValid, long preferredReturn) {
        this(ec, iss, far, farValid, preferredReturn, 0);
    }

    public SyncException(int ec, int iss, long far, boolean farValid, long preferredReturn, int targetEl) {
        this(ec, iss, far, farValid, preferredReturn, targetEl, -1);
    }

    public SyncException(int ec, int iss, long far, boolean farValid, long preferredReturn, int targetEl,
            long ipa) {
        super(null, null, false, false);
        this.targetEl = targetEl;
        this.ipa = ipa;
        this.ec = ec;
        this.iss = iss;
        this.far = far;
        this.farValid = farValid;
        this.preferredReturn = preferredReturn;
    }

    @Override
    public String getMessage() {
        return String.format("%s (EC=0x%02x ISS=0x%07x)%s at ELR 0x%x", Esr.className(ec), ec, iss,
                farValid ? String.format(" FAR=0x%x", far) : "", preferredReturn);
    }

    /** The UNDEFINED exception for the instruction at {@code pc}. */
    public static SyncException undefined(long pc) {
        return new SyncException(Esr.EC_UNKNOWN, 0, 0, false, pc);
    }
}
