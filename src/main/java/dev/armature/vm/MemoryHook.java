package dev.armature.vm;

/**
 * Called for the vCPUs' memory accesses to virtual addresses in the hook's range (Unicorn's UC_HOOK_MEM_READ,
 * _READ_AFTER, _WRITE, _FETCH). Data accesses are reported by the memory system, so translated and interpreted
 * code report the same ones; fetches are reported before each instruction executes, with its encoding.
 *
 * <p>A load or store that crosses a page is one access. An atomic read-modify-write (LDADD and the other LSE
 * operations, SWP, CAS, CASP) is a READ and its READ_AFTER with the value it found, then — if it stored: a CAS
 * whose comparison failed does not — a WRITE and its WRITE_AFTER with the value stored. A load-exclusive is a
 * load; a store-exclusive is a WRITE and WRITE_AFTER if it stored, nothing if it failed. A 16-byte atomic or
 * exclusive access (CASP, LDXP, STXP of X registers) is two 8-byte accesses, low address first, so each value is
 * whole; a pair of W registers is one 8-byte access. An access that faults reports its READ or WRITE and no
 * _AFTER (atomic and exclusive ones that fail their alignment check report nothing).
 */
@FunctionalInterface
public interface MemoryHook {
    /** Which accesses, and when. */
    enum Access {
        /** Before a load, value 0. */
        READ,
        /** After a load, with the value read. */
        READ_AFTER,
        /** Before a store, with the value to be written. */
        WRITE,
        /** After a store, with the value written. */
        WRITE_AFTER,
        /** An instruction fetch, before the instruction executes, with its encoding; size 4. */
        FETCH
    }

    /**
     * One access by {@code vcpu}.
     *
     * @param address the virtual address accessed
     * @param size    in bytes (1, 2, 4, 8, 16)
     * @param value   see {@link Access}; for 16-byte (SIMD) accesses the low 64 bits
     */
    void onAccess(Vcpu vcpu, Access access, long address, int size, long value);
}
