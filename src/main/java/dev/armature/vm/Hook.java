package dev.armature.vm;

/**
 * A hook installed on a {@link Vm}; {@link #remove()} (or {@link #close()}) uninstalls it. Like adding, removing
 * is refused with EBUSY while a vCPU of the VM runs.
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
