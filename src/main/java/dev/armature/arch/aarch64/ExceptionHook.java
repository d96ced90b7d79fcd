package dev.armature.arch.aarch64;

/**
 * Intercepts synchronous exceptions before the architectural exception entry: the board's PSCI firmware
 * (HVC/SMC conduit) and the Linux user-mode runner (SVC as system calls) use it.
 */
@FunctionalInterface
public interface ExceptionHook {
    /**
     * @return true if handled; execution then continues at {@code cpu.pc} (which the hook may change; it is
     * preset to the exception's preferred return address)
     */
    boolean handle(Cpu cpu, SyncException e);

    /**
     * An IRQ, FIQ or (virtual) SError is about to be taken at {@code cpu.pc} (the preferred return address).
     *
     * @param vector {@link Exceptions#VECTOR_IRQ}, {@link Exceptions#VECTOR_FIQ} or {@link Exceptions#VECTOR_SERROR}
     * @return true if handled: the interrupt is not taken now (the next change of the lines or of PSTATE.DAIF
     *         offers it again)
     */
    default boolean handleInterrupt(Cpu cpu, int vector) {
        return false;
    }
}
