package dev.armature.arch.aarch64;

/**
 * One TLB maintenance operation, as a vCPU performs it on its own soft TLB and asks the others of its
 * shareability domain to perform ({@link TlbBroadcast}): the others drop what the issuer drops, not everything.
 *
 * @param scope what is dropped
 * @param va    the address, for {@link Scope#VA_EL1} and {@link Scope#VA_EL2}
 * @param asid  the ASID for {@link Scope#ASID} and {@link Scope#VA_EL1} (-1 there: every ASID)
 */
public record TlbInvalidation(Scope scope, long va, int asid) {
    /** What an invalidation drops (see {@link CpuMemory}'s flush methods). */
    public enum Scope {
        /** Every entry (physical map changes, migration's dirty log). */
        ALL,
        /** The EL1&amp;0 regime: TLBI VMALLE1, ALLE1, VMALLS12E1, IPAS2E1. */
        EL10,
        /** The EL2 regime: TLBI ALLE2. */
        EL2,
        /** Non-global EL1&amp;0 entries of one ASID: TLBI ASIDE1. */
        ASID,
        /** One EL1&amp;0 page, of one ASID and global, or of every ASID: TLBI VAE1, VALE1, VAAE1, VAALE1. */
        VA_EL1,
        /** One EL2 page: TLBI VAE2, VALE2. */
        VA_EL2
    }

    public static final TlbInvalidation ALL = new TlbInvalidation(Scope.ALL, 0, 0);
    public static final TlbInvalidation EL10 = new TlbInvalidation(Scope.EL10, 0, 0);
    public static final TlbInvalidation EL2 = new TlbInvalidation(Scope.EL2, 0, 0);

    /** Performs this invalidation on {@code memory}'s TLB (its owner thread). */
    void applyTo(CpuMemory memory) {
        switch (scope) {
            case ALL -> memory.flushTlb();
            case EL10 -> memory.flushEl10();
            case EL2 -> memory.flushEl2();
            case ASID -> memory.flushAsid(asid);
            case VA_EL1 -> memory.flushVa(va, asid, false);
            case VA_EL2 -> memory.flushVa(va, -1, true);
        }
    }
}
