package dev.armature.vm;

/**
 * Called for the vCPUs' memory accesses to virtual addresses in the hook's range (Unicorn's UC_HOOK_MEM_READ,
 * _READ_AFTER, _WRITE, _FETCH). Data accesses are reported by the memory system, so translated and interpreted
 * code report the same ones; fetches are reported before each instruction executes, with its encoding.
 *
 * <p>A load or store that crosses a page is one access. An atomic read-modify-write (LDADD, CAS, SWP) or
 * exclusive access is reported once, as {@link Access#READ} or {@link Access#WRITE} before it, with value 0.
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
     * @param value   see {@link Access}; for 16-byte accesses the low 64 bits
     */
    void onAccess(Vcpu vcpu, Access access, long address, int size, long value);
}
