package dev.armature.memory;

/**
 * A physical access that no region answers (or a device refused). The CPU turns it into a synchronous
 * external abort for the guest; it is control flow, so it carries no stack trace.
 */
public final class BusError extends RuntimeException {
    private final long address;

    public BusError(long address, String why) {
        super(why + " at physical address 0x" + Long.toHexString(address), null, false, false);
        this.address = address;
    }

    public long address() {
        return address;
    }
}
