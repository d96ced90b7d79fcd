package dev.armature.iommu;

import java.util.Set;

import static dev.armature.vm.Errno.EBUSY;
import static dev.armature.vm.Errno.EEXIST;
import static dev.armature.vm.Errno.EFAULT;
import static dev.armature.vm.Errno.EINVAL;
import static dev.armature.vm.Errno.ENODEV;
import static dev.armature.vm.Errno.ENOENT;

/**
 * An abstract SMMU context: device-independent page tables (a low and a high table, see
 * {@link AssociationAttribute#SPLIT}) and a fault hook. It is created for a hardware context bank number, bound to
 * an {@link Smmu} instance at run time, and activated, which programs the bank with it (a context switch: another
 * context using the same bank stops translating).
 *
 * <p>Mappings are changed inside {@link #updateStart()} / {@link #updateDone()} brackets; sizes are 4K, 64K, 1M
 * or 16M and both addresses must be aligned to the size. {@code updateDone} invalidates the bank's TLB entries,
 * so a translation inside the bracket may still see a mapping just removed, as on hardware.
 */
public final class SmmuContext extends DmaMaster {
    private static final long TOP_BIT = 1L << (Smmu.INPUT_BITS - 1);

    private final int bank;
    private final PageTable low = new PageTable();
    private final PageTable high = new PageTable();
    private Smmu smmu;
    private boolean split;
    private boolean updating;
    private boolean removedInUpdate;

    /** An unbound context that will use hardware context bank {@code bank}. */
    public SmmuContext(String name, int bank) {
        super(name);
        if (bank < 0) {
            throw Refusal.of(EINVAL, "context bank %d", bank);
        }
        this.bank = bank;
    }

    public int bank() {
        return bank;
    }

    /** The instance this context is bound to, or null. */
    public synchronized Smmu smmu() {
        return smmu;
    }

    /** Binds this context to {@code instance}, whose bank {@link #bank()} it will use. */
    public synchronized void bind(Smmu instance) {
        if (smmu != null) {
            throw Refusal.of(EBUSY, "%s is already bound to %s", name(), smmu);
        }
        if (bank >= instance.contextBanks()) {
            throw Refusal.of(EINVAL, "%s has %d context banks, %s wants bank %d",
                    instance, instance.contextBanks(), name(), bank);
        }
        smmu = instance;
    }

    public synchronized void unbind() {
        if (smmu == null) {
            throw Refusal.of(EINVAL, "%s is not bound", name());
        }
        if (isActive()) {
            throw Refusal.of(EBUSY, "%s is active", name());
        }
        smmu = null;
    }

    /** Programs this context into its bank of the bound instance (a context switch). */
    public synchronized void activate() {
        if (smmu == null) {
            throw Refusal.of(ENODEV, "%s is not bound to an SMMU", name());
        }
        if (isActive()) {
            throw Refusal.of(EBUSY, "%s is already active", name());
        }
        smmu.install(this);
    }

    public synchronized void deactivate() {
        if (!isActive()) {
            throw Refusal.of(EINVAL, "%s is not active", name());
        }
        smmu.uninstall(this);
    }

    /** True while this context is programmed into its bank. */
    public synchronized boolean isActive() {
        return smmu != null && smmu.isResident(this);
    }

    /** Whether bit 31 of a device address selects the high table; changeable only while both tables are empty. */
    public synchronized void setSplit(boolean split) {
        if (split != this.split && (low.size() > 0 || high.size() > 0)) {
            throw Refusal.of(EBUSY, "%s has mappings; the split is fixed until they are gone", name());
        }
        this.split = split;
    }

    public synchronized boolean isSplit() {
        return split;
    }

    public synchronized void updateStart() {
        if (updating) {
            throw Refusal.of(EBUSY, "%s: update already started", name());
        }
        updating = true;
        removedInUpdate = false;
    }

    public synchronized void updateDone() {
        if (!updating) {
            throw Refusal.of(EINVAL, "%s: update_done without update_start", name());
        }
        updating = false;
        if (removedInUpdate && smmu != null) {
            smmu.invalidate(bank);
        }
    }

    /** Maps {@code length} bytes (one page size) at device address {@code va} to {@code pa}. */
    public synchronized void map(long pa, long va, long length, Set<MappingAttribute> attrs) {
        checkPage(va, length);
        if ((pa & (length - 1)) != 0) {
            throw Refusal.of(EINVAL, "PA 0x%x is not aligned to 0x%x", pa, length);
        }
        Set<MappingAttribute> checked = MappingAttribute.validate(attrs);
        PageTable t = table(va);
        if (t.overlaps(va, length)) {
            throw Refusal.of(EEXIST, "%s: 0x%x+0x%x overlaps a mapping", name(), va, length);
        }
        t.put(new Mapping(va, pa, length, checked));
    }

    /** Removes the mapping of exactly {@code length} bytes at {@code va}. */
    public synchronized void unmap(long va, long length) {
        checkPage(va, length);
        PageTable t = table(va);
        Mapping m = t.exactly(va);
        if (m == null || m.size() != length) {
            throw Refusal.of(ENOENT, "%s: no 0x%x-byte mapping at 0x%x", name(), length, va);
        }
        t.remove(va);
        removedInUpdate = true;
    }

    private void checkPage(long va, long length) {
        if (!updating) {
            throw Refusal.of(EINVAL, "%s: map/unmap outside update_start/update_done", name());
        }
        if (PageSize.of(length) == null) {
            throw Refusal.of(EINVAL, "size 0x%x is not 4K, 64K, 1M or 16M", length);
        }
        if ((va & (length - 1)) != 0 || Long.compareUnsigned(va + length - 1, (1L << Smmu.INPUT_BITS) - 1) > 0) {
            throw Refusal.of(EINVAL, "VA 0x%x is not aligned to 0x%x or beyond %d bits", va, length,
                    Smmu.INPUT_BITS);
        }
    }

    private PageTable table(long va) {
        return split && (va & TOP_BIT) != 0 ? high : low;
    }

    /** Refuses (EBUSY) an update while another is open. */
    synchronized void checkCanUpdate() {
        if (updating) {
            throw Refusal.of(EBUSY, "%s is in the middle of an update", name());
        }
    }

    /** Refuses (EBUSY, EEXIST) what would make mapping {@code mappings} in one update fail. */
    synchronized void checkCanMap(Iterable<Mapping> mappings) {
        checkCanUpdate();
        for (Mapping m : mappings) {
            if (table(m.va()).overlaps(m.va(), m.size())) {
                throw Refusal.of(EEXIST, "%s: 0x%x+0x%x overlaps a mapping", name(), m.va(), m.size());
            }
        }
    }

    /** The table walk behind a TLB miss. */
    synchronized Mapping tableLookup(long va) {
        return table(va).lookup(va);
    }

    /** How many mappings both tables hold. */
    public synchronized int mappingCount() {
        return low.size() + high.size();
    }

    /**
     * The hardware translation of one address (no permission check, no fault hook): the physical address.
     * Refused with ENODEV if the context is not active and EFAULT if nothing is mapped.
     */
    public long translate(long va) {
        Smmu s = smmu();
        if (s == null || !isActive()) {
            throw Refusal.of(ENODEV, "%s is not active", name());
        }
        Mapping m = Long.compareUnsigned(va, 1L << Smmu.INPUT_BITS) < 0 ? s.walk(this, va) : null;
        if (m == null) {
            throw Refusal.of(EFAULT, "%s: nothing mapped at 0x%x", name(), va);
        }
        return m.pa() + (va - m.va());
    }

    /**
     * Translates a device transaction: on a fault the registered hook decides to retry or terminate; a terminated
     * transaction throws {@link DmaFault}.
     */
    public long translate(long va, Access access) {
        return transact(va, access, this::walk).pa();
    }

    Translation walk(long va, Access access) {
        Smmu s = smmu();
        if (s == null) {
            return Translation.failed(Fault.Reason.INACTIVE);
        }
        if (Long.compareUnsigned(va, 1L << Smmu.INPUT_BITS) >= 0) {
            return Translation.failed(Fault.Reason.TRANSLATION);
        }
        Mapping m = s.walk(this, va);
        if (m == null) {
            return Translation.failed(s.isResident(this) ? Fault.Reason.TRANSLATION : Fault.Reason.INACTIVE);
        }
        if (!access.permittedBy(m.attributes())) {
            return Translation.failed(Fault.Reason.PERMISSION);
        }
        return Translation.of(m.pa() + (va - m.va()), m.va() + m.size() - va);
    }
}
