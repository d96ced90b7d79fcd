package dev.armature.vm;

import static dev.armature.vm.Errno.EBUSY;
import static dev.armature.vm.Errno.EFAULT;
import static dev.armature.vm.Errno.EINVAL;
import static dev.armature.vm.Errno.ENXIO;

import java.util.List;

/**
 * A virtual GIC device (KVM_DEV_TYPE_ARM_VGIC_V2 or _V3): the configuration userspace gives it (frame
 * addresses, interrupt count), its initialisation, and the checks KVM makes on them. What is common to both
 * versions lives here: the NR_IRQS and CTRL groups, initialisation, register-access plumbing and the
 * address-range rule ({@link IoRange}). The version-specific address types and register groups are in
 * {@link VgicV2Device} and {@link VgicV3Device}.
 *
 * <p>All methods lock the VM, as KVM takes the VM's config lock.
 */
public abstract sealed class VgicDevice implements Device permits VgicV2Device, VgicV3Device {
    final Vm vm;
    /** SPIs configured (KVM's nr_spis); 0 until NR_IRQS is set or the vGIC is initialised. */
    private int nrSpis;
    private boolean initialized;
    /** Resources mapped (KVM's vgic_ready): set at the first successful vCPU run. */
    private boolean ready;
    private VgicModel model;

    VgicDevice(Vm vm) {
        this.vm = vm;
    }

    /** 2 or 3. */
    public abstract int version();

    /** Whether the vGIC has been initialised (explicitly with CTRL_INIT, or implicitly for GICv2). */
    public boolean initialized() {
        synchronized (vm) {
            return initialized;
        }
    }

    /** The interrupt-controller model, once initialised (null before). */
    public VgicModel model() {
        synchronized (vm) {
            return model;
        }
    }

    /** {@link #model()} for callers that already hold the VM's lock. */
    final VgicModel modelOrNull() {
        return model;
    }

    @Override
    public final void setAttr(int group, long attr, Long value) {
        synchronized (vm) {
            vm.checkOpen();
            switch (group) {
                case Vgic.GRP_ADDR -> {
                    long addr = userWord(value);
                    setAddress(attr, addr);
                }
                case Vgic.GRP_NR_IRQS -> setNrIrqs(userWord(value) & 0xffff_ffffL);
                case Vgic.GRP_CTRL -> control(attr);
                default -> setRegister(group, attr, value);
            }
        }
    }

    @Override
    public final long getAttr(int group, long attr, Long in) {
        synchronized (vm) {
            vm.checkOpen();
            return switch (group) {
                case Vgic.GRP_ADDR -> userWord(in, getAddress(attr, in));
                case Vgic.GRP_NR_IRQS -> userWord(in, (long) nrSpis + Vgic.PRIVATE_IRQS);
                case Vgic.GRP_CTRL -> throw new KvmException(ENXIO, "control attributes cannot be read");
                default -> userWord(in, getRegister(group, attr));
            };
        }
    }

    @Override
    public final void hasAttr(int group, long attr) {
        synchronized (vm) {
            vm.checkOpen();
            switch (group) {
                case Vgic.GRP_ADDR -> {
                    if (!hasAddressType(attr)) {
                        throw noSuchAttr(group, attr);
                    }
                }
                case Vgic.GRP_NR_IRQS -> {
                }
                case Vgic.GRP_CTRL -> {
                    if (!(attr == Vgic.CTRL_INIT || (version() == 3 && attr == Vgic.CTRL_SAVE_PENDING_TABLES))) {
                        throw noSuchAttr(group, attr);
                    }
                }
                default -> hasRegister(group, attr);
            }
        }
    }

    // ---- address group ----

    abstract void setAddress(long type, long addr);

    /** @param in the word's content before the call (REDIST_REGION reads its index from it) */
    abstract long getAddress(long type, Long in);

    abstract boolean hasAddressType(long type);

    final void checkIoRange(long current, long addr, long alignment, long size, String what) {
        IoRange.check(current, addr, alignment, size, vm.maxIpaBits(), what);
    }

    final Errno ioRangeError(long addr, long alignment, long size) {
        return IoRange.error(addr, alignment, size, vm.maxIpaBits());
    }

    // ---- NR_IRQS and CTRL ----

    private void setNrIrqs(long n) {
        if (n < Vgic.MIN_IRQS || n > Vgic.MAX_IRQS || (n & 31) != 0) {
            throw new KvmException(EINVAL, "the interrupt count must be a multiple of 32 from "
                    + Vgic.MIN_IRQS + " to " + (Vgic.MAX_IRQS & ~31) + ", not " + n);
        }
        if (nrSpis != 0) {
            throw new KvmException(EBUSY, initialized ? "the vGIC is initialised" : "the interrupt count is set");
        }
        nrSpis = (int) n - Vgic.PRIVATE_IRQS;
    }

    private void control(long attr) {
        if (attr == Vgic.CTRL_INIT) {
            init();
        } else if (!(version() == 3 && attr == Vgic.CTRL_SAVE_PENDING_TABLES)) {
            // Saving pending tables is accepted on GICv3 and has nothing to do: no LPIs are emulated.
            throw noSuchAttr(Vgic.GRP_CTRL, attr);
        }
    }

    /** KVM's vgic_init: freezes the interrupt count and instantiates the model. Idempotent. */
    final void init() {
        if (initialized) {
            return;
        }
        int spis = nrSpis != 0 ? nrSpis : Vgic.DEFAULT_IRQS - Vgic.PRIVATE_IRQS;
        model = vm.modelFactory().create(version(), spis + Vgic.PRIVATE_IRQS, List.copyOf(vm.vcpuList()));
        nrSpis = spis;
        initialized = true;
    }

    /** Interrupt count, once initialised. */
    final int interruptCount() {
        return nrSpis + Vgic.PRIVATE_IRQS;
    }

    /**
     * KVM's kvm_vgic_map_resources, run before a vCPU's first instruction: checks the layout, and once it
     * passes, maps the model. Idempotent once it succeeded.
     */
    final void mapResources() {
        if (ready) {
            return;
        }
        VgicLayout layout = resolveLayout();
        model.map(layout, vm.memory());
        ready = true;
    }

    /** Version-specific checks of vgic_vN_map_resources, including (v2) the implicit initialisation. */
    abstract VgicLayout resolveLayout();

    // ---- register groups ----

    abstract void setRegister(int group, long attr, Long value);

    abstract long getRegister(int group, long attr);

    abstract void hasRegister(int group, long attr);

    /** Reads a register the model implements, or ENXIO. */
    final long modelRead(RegisterSpace space, Vcpu vcpu, long offset) {
        checkModelRegister(space, offset);
        return model.readRegister(space, vcpu.index(), offset) & 0xffff_ffffL;
    }

    final void modelWrite(RegisterSpace space, Vcpu vcpu, long offset, int value) {
        checkModelRegister(space, offset);
        model.writeRegister(space, vcpu.index(), offset, value);
    }

    final void checkModelRegister(RegisterSpace space, long offset) {
        if ((offset & 3) != 0 || !vm.modelFactory().hasRegister(version(), space, offset)) {
            throw new KvmException(ENXIO, String.format("no %s register at offset 0x%x", space, offset));
        }
    }

    /** {@link #initialized()} for callers that already hold the VM's lock. */
    final boolean isInitialized() {
        return initialized;
    }

    /** SPIs configured, for callers that hold the VM's lock. */
    final int spiCount() {
        return nrSpis;
    }

    final void close() {
        if (model != null) {
            model.close();
        }
    }

    static KvmException noSuchAttr(int group, long attr) {
        return new KvmException(ENXIO, String.format("no attribute 0x%x in group %d", attr, group));
    }

    /** Dereferences the userspace word for reading. */
    static long userWord(Long value) {
        if (value == null) {
            throw new KvmException(EFAULT, "the attribute value pointer is NULL");
        }
        return value;
    }

    /** Stores a result through the userspace word (EFAULT if there is none). */
    static long userWord(Long out, long result) {
        if (out == null) {
            throw new KvmException(EFAULT, "the attribute value pointer is NULL");
        }
        return result;
    }
}
