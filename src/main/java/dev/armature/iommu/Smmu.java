package dev.armature.iommu;

import dev.armature.vm.Errno;

/**
 * One SMMU hardware instance: a number of context banks, each able to hold one {@link SmmuContext} at a time, and
 * one {@link IoTlb} shared by all banks. Abstract contexts are bound to an instance at run time
 * ({@link SmmuContext#bind}); activating a context programs its bank with it, a context switch.
 *
 * <p>Thread safety: translations and configuration changes lock the instance.
 */
public final class Smmu {
    /** Device addresses the SMMU translates are 32 bits wide; with a split, bit 31 selects the high table. */
    public static final int INPUT_BITS = 32;

    private final String name;
    private final SmmuContext[] banks;
    private final IoTlb tlb;
    private long contextSwitches;
    private long invalidations;

    /**
     * @param contextBanks how many contexts can be active at once
     * @param tlbEntries size of the shared TLB
     */
    public Smmu(String name, int contextBanks, int tlbEntries) {
        if (contextBanks < 1) {
            throw Refusal.of(Errno.EINVAL, "an SMMU needs a context bank, not %d", contextBanks);
        }
        this.name = name;
        this.banks = new SmmuContext[contextBanks];
        this.tlb = new IoTlb(tlbEntries);
    }

    public String name() {
        return name;
    }

    public int contextBanks() {
        return banks.length;
    }

    /** The shared TLB, with its hit/miss/eviction counters. */
    public IoTlb tlb() {
        return tlb;
    }

    /** The context programmed into {@code bank}, or null. */
    public synchronized SmmuContext resident(int bank) {
        return banks[bank];
    }

    /** How many times an activation replaced or installed a bank's context. */
    public synchronized long contextSwitches() {
        return contextSwitches;
    }

    /** Programs {@code ctx} into its bank; whatever was there before stops translating. */
    synchronized void install(SmmuContext ctx) {
        banks[ctx.bank()] = ctx;
        invalidate(ctx.bank());
        contextSwitches++;
    }

    synchronized void uninstall(SmmuContext ctx) {
        banks[ctx.bank()] = null;
        invalidate(ctx.bank());
    }

    synchronized boolean isResident(SmmuContext ctx) {
        return banks[ctx.bank()] == ctx;
    }

    synchronized void invalidate(int bank) {
        tlb.invalidate(bank);
        invalidations++;
    }

    /**
     * Looks {@code va} up for the context in {@code bank}: TLB first, then its tables (filling the TLB). The table
     * walk runs outside this lock (the context locks itself); a fill is dropped if the bank was invalidated meanwhile.
     */
    Mapping walk(SmmuContext ctx, long va) {
        long generation;
        synchronized (this) {
            if (banks[ctx.bank()] != ctx) {
                return null;
            }
            Mapping hit = tlb.lookup(ctx.bank(), va);
            if (hit != null) {
                return hit;
            }
            generation = invalidations;
        }
        Mapping m = ctx.tableLookup(va);
        if (m != null) {
            synchronized (this) {
                if (banks[ctx.bank()] == ctx && invalidations == generation) {
                    tlb.fill(ctx.bank(), m);
                }
            }
        }
        return m;
    }

    @Override
    public String toString() {
        return name;
    }
}
