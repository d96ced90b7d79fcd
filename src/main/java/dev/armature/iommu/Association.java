package dev.armature.iommu;

import java.util.Set;

import static dev.armature.vm.Errno.EBADF;
import static dev.armature.vm.Errno.EBUSY;
import static dev.armature.vm.Errno.EINVAL;
import static dev.armature.vm.Errno.ENODEV;

/**
 * The link between a {@link Vcm} and a device ({@link Vcm#associate}); the seed's AVCM. It is inactive until
 * {@link #activate()}d: for an SMMU context activation programs the context into its SMMU bank (a context switch,
 * done by the first active association of the context); for one-to-one and VMM VCMs it only counts references.
 * Device transactions go through {@link #memory()} and fault while the association is inactive.
 */
public final class Association {
    private final Vcm vcm;
    private final DmaMaster device;
    private final Set<AssociationAttribute> attributes;
    private final DeviceMemory memory;
    private volatile boolean active;
    private boolean freed;

    Association(Vcm vcm, DmaMaster device, Set<AssociationAttribute> attributes) {
        this.vcm = vcm;
        this.device = device;
        this.attributes = attributes;
        this.memory = new AssociationMemory(this);
    }

    public Vcm vcm() {
        return vcm;
    }

    public DmaMaster device() {
        return device;
    }

    public Set<AssociationAttribute> attributes() {
        return attributes;
    }

    public boolean isActive() {
        return active;
    }

    public boolean isFreed() {
        synchronized (vcm.vcmm()) {
            return freed;
        }
    }

    private void checkLive() {
        if (freed) {
            throw Refusal.of(EBADF, "association was dissolved");
        }
    }

    /** Activates the association; refused with EBUSY if active, ENODEV for an SMMU context bound to no SMMU. */
    public void activate() {
        synchronized (vcm.vcmm()) {
            checkLive();
            if (active) {
                throw Refusal.of(EBUSY, "association is already active");
            }
            if (device instanceof SmmuContext ctx) {
                if (ctx.smmu() == null) {
                    throw Refusal.of(ENODEV, "%s is not bound to an SMMU", ctx.name());
                }
                if (!ctx.isActive()) {
                    ctx.activate();
                }
            }
            active = true;
        }
    }

    /** Deactivates; the SMMU context is switched out when its last active association goes. */
    public void deactivate() {
        synchronized (vcm.vcmm()) {
            checkLive();
            if (!active) {
                throw Refusal.of(EINVAL, "association is not active");
            }
            active = false;
            if (device instanceof SmmuContext ctx && ctx.isActive()
                    && vcm.vcmm().usersOf(ctx).stream().noneMatch(Association::isActive)) {
                ctx.deactivate();
            }
        }
    }

    /** Dissolves the link (the seed's deassoc); refused with EBUSY while active. */
    public void dissociate() {
        synchronized (vcm.vcmm()) {
            checkLive();
            if (active) {
                throw Refusal.of(EBUSY, "association is active; deactivate it first");
            }
            if (device instanceof SmmuContext ctx) {
                ctx.checkCanUpdate();
            }
            vcm.dissociate(this);
            freed = true;
        }
    }

    /** Memory as this device sees it through this VCM. */
    public DeviceMemory memory() {
        return memory;
    }

    /** One translation of a device address, without fault handling. */
    Translation walk(long address, Access access) {
        if (!active) {
            return Translation.failed(Fault.Reason.INACTIVE);
        }
        return switch (vcm.kind()) {
            case IOMMU -> ((SmmuContext) device).walk(address, access);
            case ONE_TO_ONE -> vcm.contains(address, 1)
                    ? Translation.of(address, vcm.start() + vcm.length() - address)
                    : Translation.failed(Fault.Reason.TRANSLATION);
            case VMM -> {
                synchronized (vcm.vcmm()) {
                    Mapping m = vcm.table.lookup(address);
                    if (m == null) {
                        yield Translation.failed(Fault.Reason.TRANSLATION);
                    }
                    if (!access.permittedBy(m.attributes())) {
                        yield Translation.failed(Fault.Reason.PERMISSION);
                    }
                    yield Translation.of(m.pa() + (address - m.va()), m.va() + m.size() - address);
                }
            }
        };
    }

    @Override
    public String toString() {
        return String.format("%s -> %s%s%s", vcm, device.name(), attributes.isEmpty() ? "" : " " + attributes,
                active ? " (active)" : "");
    }
}
