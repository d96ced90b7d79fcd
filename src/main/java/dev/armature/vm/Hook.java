package dev.armature.vm;

/**
 * A hook installed on a {@link Vm}; {@link #remove()} (or {@link #close()}) uninstalls it.
 *
 * <p>Hooks are added and removed while no vCPU of the VM runs — the change applies at once — or from inside a
 * hook callback (or an MMIO handler), on a running vCPU's thread: the change then applies at that vCPU's next
 * block boundary — the end of the current block, or before the next hooked instruction or block, whichever
 * comes first — so the rest of the current block runs with the hooks it started with, identically under both
 * accelerators; the run then continues by itself. Other vCPUs running at that moment take the change at their
 * own next block boundary. A removed hook is not called after {@link #remove()} returns. From any other thread
 * while a vCPU runs, adding or removing is refused with EBUSY.
 */
public final class Hook implements AutoCloseable {
    private final HookRegistry registry;
    private final HookRegistry.Entry<?> entry;

    Hook(HookRegistry registry, HookRegistry.Entry<?> entry) {
        this.registry = registry;
        this.entry = entry;
    }

    /** Uninstalls the hook; later calls do nothing. */
    public void remove() {
        registry.remove(entry);
    }

    @Override
    public void close() {
        remove();
    }
}
