package dev.armature.vm;

import static dev.armature.vm.Errno.EBADF;
import static dev.armature.vm.Errno.EBUSY;
import static dev.armature.vm.Errno.EINVAL;
import static dev.armature.vm.Errno.ENXIO;

import dev.armature.devices.gic.IrqForwarding;
import dev.armature.devices.gic.PhysicalInterrupt;

import java.util.ArrayList;
import java.util.List;

/**
 * KVM_DEV_TYPE_VFIO: the KVM-VFIO device, here with the device group of the forwarding proposal
 * ({@link #GRP_VFIO_DEVICE}: {@link #FORWARD_IRQ}, {@link #UNFORWARD_IRQ}). A forwarded IRQ binds the host
 * interrupt of a VFIO device's IRQ (index, subindex) to guest SPI {@code gsi}: the host interrupt makes the SPI
 * pending without any VMM exit, and the guest's deactivation of the SPI deactivates the host interrupt.
 *
 * <p>Rules: forwarding an IRQ that is already forwarded (same device, index, subindex), or onto a gsi that is
 * already forwarded, is EINVAL; forwarding while the host interrupt is active or userspace signalling is set up
 * is EBUSY; a file descriptor that is not open is EBADF (from the file lookup), one that is not a VFIO device
 * or names no such IRQ is EINVAL (from VFIO). A reference on the VFIO device is taken when a forward is
 * registered and dropped when it is unregistered, and nowhere else. The unregistration itself cannot fail:
 * {@link #unforwardIrq} only refuses a request naming nothing forwarded, and {@link #unforwardAll} (which
 * {@link Vm#close} calls) unforwards everything from any state.
 *
 * <p>The attribute's value is a {@code struct kvm_arch_forwarded_irq} (fd, index, subindex, gsi), which does
 * not fit the 64-bit word of {@link #setAttr}; it travels as a {@link ForwardedIrq} through
 * {@link #forwardIrq}/{@link #unforwardIrq}, with the caller's {@link FileTable} to resolve the fd in.
 */
public final class KvmVfioDevice implements Device {
    /** KVM_DEV_VFIO_DEVICE. */
    public static final int GRP_VFIO_DEVICE = 2;
    /** KVM_DEV_VFIO_DEVICE_FORWARD_IRQ. */
    public static final long FORWARD_IRQ = 1;
    /** KVM_DEV_VFIO_DEVICE_UNFORWARD_IRQ. */
    public static final long UNFORWARD_IRQ = 2;

    /** struct kvm_arch_forwarded_irq: VFIO device fd, its IRQ index and subindex, the guest's SPI INTID. */
    public record ForwardedIrq(int fd, int index, int subindex, int gsi) {
    }

    /** A registered forward, bound in {@code vgic}; holds one reference on {@code device}. */
    private record Node(VfioExternalDevice device, int index, int subindex, int gsi, IrqForwarding vgic) {
    }

    private final IrqChip chip;
    /** The VM's configuration lock (KVM's kvm->lock): taken before the GIC's and the host controller's. */
    private final Object lock;
    private final List<Node> forwarded = new ArrayList<>();

    /**
     * The KVM-VFIO device of the VM whose interrupt controller is {@code chip}, serialised on {@code lock}
     * ({@link Vm#createDevice} makes one with the VM as both; a board that runs its own GIC makes its own).
     */
    public KvmVfioDevice(IrqChip chip, Object lock) {
        this.chip = chip;
        this.lock = lock;
    }

    @Override
    public DeviceType type() {
        return DeviceType.KVM_VFIO;
    }

    /** KVM_SET_DEVICE_ATTR: the forwarding attributes need a struct, see {@link #forwardIrq}. */
    @Override
    public void setAttr(int group, long attr, Long value) {
        synchronized (lock) {
            chip.checkOpen();
            hasAttr(group, attr);
            throw new KvmException(EINVAL, "attribute " + attr + " takes a kvm_arch_forwarded_irq: use forwardIrq"
                    + " or unforwardIrq");
        }
    }

    @Override
    public long getAttr(int group, long attr, Long in) {
        synchronized (lock) {
            chip.checkOpen();
            throw new KvmException(ENXIO, "the KVM-VFIO device has no readable attributes");
        }
    }

    @Override
    public void hasAttr(int group, long attr) {
        synchronized (lock) {
            chip.checkOpen();
            if (group != GRP_VFIO_DEVICE || (attr != FORWARD_IRQ && attr != UNFORWARD_IRQ)) {
                throw new KvmException(ENXIO, String.format("no attribute 0x%x in group %d", attr, group));
            }
        }
    }

    /** KVM_SET_DEVICE_ATTR(KVM_DEV_VFIO_DEVICE, KVM_DEV_VFIO_DEVICE_FORWARD_IRQ). */
    public void forwardIrq(FileTable files, ForwardedIrq irq) {
        Vm.checkPointer(files, "file table");
        Vm.checkPointer(irq, "kvm_arch_forwarded_irq");
        synchronized (lock) {
            chip.checkOpen();
            VfioExternalDevice device = lookup(files, irq.fd());
            PhysicalInterrupt host = device.hostInterrupt(irq.index(), irq.subindex());
            IrqForwarding vgic = chip.forwardingFor(irq.gsi());
            if (find(device, irq.index(), irq.subindex()) != null) {
                throw new KvmException(EINVAL, "IRQ " + irq.index() + "." + irq.subindex() + " is already forwarded");
            }
            for (Node n : forwarded) {
                if (n.gsi() == irq.gsi()) {
                    throw new KvmException(EINVAL, "guest INTID " + irq.gsi() + " already has a forwarded IRQ");
                }
            }
            if (device.isSignalling(irq.index(), irq.subindex())) {
                throw new KvmException(EBUSY, "IRQ " + irq.index() + "." + irq.subindex()
                        + " has userspace signalling set up");
            }
            if (host.isActive()) {
                throw new KvmException(EBUSY, "host interrupt " + host.number() + " is active");
            }
            register(new Node(device, irq.index(), irq.subindex(), irq.gsi(), vgic), host);
        }
    }

    /**
     * KVM_SET_DEVICE_ATTR(KVM_DEV_VFIO_DEVICE, KVM_DEV_VFIO_DEVICE_UNFORWARD_IRQ): allowed in any state of the
     * interrupt. Refused only when the request names nothing forwarded (EBADF, EINVAL as for forwarding).
     */
    public void unforwardIrq(FileTable files, ForwardedIrq irq) {
        Vm.checkPointer(files, "file table");
        Vm.checkPointer(irq, "kvm_arch_forwarded_irq");
        synchronized (lock) {
            chip.checkOpen();
            VfioExternalDevice device = lookup(files, irq.fd());
            Node node = find(device, irq.index(), irq.subindex());
            if (node == null || node.gsi() != irq.gsi()) {
                throw new KvmException(EINVAL, "IRQ " + irq.index() + "." + irq.subindex() + " is not forwarded to "
                        + irq.gsi());
            }
            unregister(node);
        }
    }

    /** Number of forwarded IRQs. */
    public int forwardedCount() {
        synchronized (lock) {
            return forwarded.size();
        }
    }

    /** Unforwards everything (VM destruction, from any state); cannot fail. */
    public void unforwardAll() {
        synchronized (lock) {
            while (!forwarded.isEmpty()) {
                unregister(forwarded.getLast());
            }
        }
    }

    private static VfioExternalDevice lookup(FileTable files, int fd) {
        Object file = files.file(fd);
        if (file == null) {
            throw new KvmException(EBADF, "fd " + fd + " is not open");
        }
        if (!(file instanceof VfioExternalDevice device)) {
            throw new KvmException(EINVAL, "fd " + fd + " is not a VFIO device");
        }
        return device;
    }

    private Node find(VfioExternalDevice device, int index, int subindex) {
        for (Node n : forwarded) {
            if (n.device() == device && n.index() == index && n.subindex() == subindex) {
                return n;
            }
        }
        return null;
    }

    /** Registers a forward: the reference on the device comes with it. */
    private void register(Node node, PhysicalInterrupt host) {
        node.device().get();
        forwarded.add(node);
        node.vgic().forward(host, node.gsi());
    }

    /** Unregisters a forward and drops its reference; cannot fail. */
    private void unregister(Node node) {
        node.vgic().unforward(node.gsi());
        forwarded.remove(node);
        node.device().put();
    }
}
