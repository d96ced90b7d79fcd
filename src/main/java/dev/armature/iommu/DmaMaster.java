package dev.armature.iommu;

/**
 * A device that issues memory transactions: the opaque device handle of the VCM API. An {@link SmmuContext}
 * translates through an SMMU; a {@link DirectMaster} has no IOMMU (one-to-one VCMs) or is the VMM itself
 * ({@link Vcmm#cpu()}). Every master carries the fault hook its transactions consult.
 */
public abstract sealed class DmaMaster permits SmmuContext, DirectMaster {
    /** A hook asking for retries forever would hang the device; after this many the transaction is terminated. */
    public static final int MAX_RETRIES = 16;

    private static final System.Logger LOG = System.getLogger("dev.armature.iommu");

    private final String name;
    private volatile FaultHandler faultHandler;

    DmaMaster(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /**
     * Registers the hook called when a transaction of this device faults (replacing any earlier one; null removes
     * it). Without a hook a fault is logged as a warning and the transaction terminated.
     */
    public void hookFaults(FaultHandler handler) {
        this.faultHandler = handler;
    }

    /** Translates for a transaction, running the fault hook on failure; throws {@link DmaFault} if terminated. */
    final Translation transact(long va, Access access, Walker walker) {
        Fault fault = null;
        for (int attempt = 0; attempt <= MAX_RETRIES; attempt++) {
            Translation t = walker.walk(va, access);
            if (t.ok()) {
                return t;
            }
            fault = new Fault(this, va, access, t.failure());
            FaultHandler h = faultHandler;
            if (h == null) {
                LOG.log(System.Logger.Level.WARNING, fault + ", no fault hook: terminating the transaction");
                throw new DmaFault(fault);
            }
            if (h.onFault(fault) != FaultAction.RETRY) {
                throw new DmaFault(fault);
            }
        }
        throw new DmaFault(fault);
    }

    /** One translation attempt. */
    @FunctionalInterface
    interface Walker {
        Translation walk(long va, Access access);
    }

    @Override
    public String toString() {
        return name;
    }
}
