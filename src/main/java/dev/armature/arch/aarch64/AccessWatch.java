package dev.armature.arch.aarch64;

/**
 * Observes guest data accesses for debugger watchpoints. While a {@link CpuMemory} has one installed, it caches
 * no translations, so every data access takes the slow path and is reported here before it is performed.
 */
@FunctionalInterface
public interface AccessWatch {
    /**
     * @param cpu  the vCPU index making the access
     * @param kind {@link CpuMemory#READ} or {@link CpuMemory#WRITE}
     */
    void access(int cpu, long va, int size, int kind);
}
