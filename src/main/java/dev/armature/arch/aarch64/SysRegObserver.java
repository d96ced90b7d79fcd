package dev.armature.arch.aarch64;

/** Observes MRS and MSR instructions that passed their access checks (the embedding API's system-register hook). */
@FunctionalInterface
public interface SysRegObserver {
    /**
     * One MRS or MSR by {@code cpu}.
     *
     * @param key   op0&lt;&lt;14 | op1&lt;&lt;11 | CRn&lt;&lt;7 | CRm&lt;&lt;3 | op2
     * @param read  true for MRS (called after the read), false for MSR (called before the write)
     * @param value the value read or to be written
     */
    void accessed(Cpu cpu, int key, boolean read, long value);
}
