package dev.armature.iommu;

/**
 * A terminated device transaction, thrown to the device model that issued it (it then reports an error the way
 * its hardware would, e.g. an error bit in a status register). Control flow, so it carries no stack trace.
 */
public final class DmaFault extends RuntimeException {
    private final Fault fault;

    public DmaFault(Fault fault) {
        super(fault.toString() + " (transaction terminated)", null, false, false);
        this.fault = fault;
    }

    public Fault fault() {
        return fault;
    }
}
