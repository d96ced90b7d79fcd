package dev.armature.vm;

/**
 * A memory access a vCPU could not make: the syndrome of the data or instruction abort it raised.
 *
 * @param kind    why it failed
 * @param access  {@link MemoryHook.Access#READ}, {@link MemoryHook.Access#WRITE} or {@link MemoryHook.Access#FETCH}
 * @param address the faulting virtual address (FAR)
 * @param size    the size in bytes of the access (4 for a fetch; for a load or store crossing a page, all of it)
 * @param pc      the faulting instruction
 * @param esr     the ESR_ELx value the exception would report (EC, IL, ISS with DFSC/IFSC)
 */
public record Fault(Kind kind, MemoryHook.Access access, long address, int size, long pc, long esr) {
    /** The fault classes of Unicorn's UC_HOOK_MEM_*_UNMAPPED and _PROT hooks. */
    public enum Kind {
        /**
         * Nothing mapped there: no physical region (synchronous external abort), or no stage-1 translation
         * (translation fault, address size fault) when the MMU is on.
         */
        UNMAPPED,
        /** Mapped, but the access is not allowed: the region's protection or a stage-1 permission/access flag. */
        PROTECTION,
        /** Misaligned where alignment is required (exclusives, atomics, SCTLR_ELx.A). */
        ALIGNMENT
    }
}
