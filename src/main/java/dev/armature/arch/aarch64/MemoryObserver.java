package dev.armature.arch.aarch64;

/**
 * Observes a vCPU's data accesses with their values (the embedding API's memory hooks). While a
 * {@link CpuMemory} has one installed it caches no data translations, so every access takes the slow path and is
 * reported; without one the fast path is unchanged. Atomic and exclusive accesses are reported by their
 * instructions through {@code CpuMemory.observeAtomic*}/{@code observeExclusiveStore}, with the same events.
 */
public interface MemoryObserver {
    /**
     * Before an access is performed (after it was translated and allowed).
     *
     * @param kind  {@link CpuMemory#READ} or {@link CpuMemory#WRITE}
     * @param value the value to be written; 0 for reads
     */
    void before(Cpu cpu, int kind, long va, int size, long value);

    /**
     * After an access was performed.
     *
     * @param value the value read or written
     */
    void after(Cpu cpu, int kind, long va, int size, long value);
}
