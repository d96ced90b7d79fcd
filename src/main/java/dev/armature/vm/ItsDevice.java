package dev.armature.vm;

import static dev.armature.vm.Errno.ENODEV;
import static dev.armature.vm.Errno.ENXIO;

/**
 * KVM_DEV_TYPE_ARM_VGIC_ITS: for now only its 128 KiB frame's base address (64 KiB aligned, set once) and the
 * INIT control, which has nothing to do. Its presence makes the redistributors advertise physical LPIs
 * (GICR_TYPER.PLPIS), as in KVM; no ITS is emulated behind it yet.
 */
public final class ItsDevice implements Device {
    private final Vm vm;
    private long base = Vgic.ADDR_UNDEF;

    ItsDevice(Vm vm) {
        this.vm = vm;
    }

    @Override
    public DeviceType type() {
        return DeviceType.ARM_VGIC_ITS;
    }

    @Override
    public void setAttr(int group, long attr, Long value) {
        synchronized (vm) {
            vm.checkOpen();
            if (group == Vgic.GRP_ADDR) {
                if (attr != Vgic.ITS_ADDR_TYPE) {
                    throw new KvmException(ENODEV, "the ITS has no address type " + attr);
                }
                long addr = VgicDevice.userWord(value);
                IoRange.check(base, addr, 0x1_0000, Vgic.ITS_SIZE, vm.maxIpaBits(), "ITS");
                base = addr;
            } else if (!(group == Vgic.GRP_CTRL && attr == Vgic.CTRL_INIT)) {
                throw VgicDevice.noSuchAttr(group, attr);
            }
        }
    }

    @Override
    public long getAttr(int group, long attr, Long in) {
        synchronized (vm) {
            vm.checkOpen();
            if (group != Vgic.GRP_ADDR) {
                throw VgicDevice.noSuchAttr(group, attr);
            }
            if (attr != Vgic.ITS_ADDR_TYPE) {
                throw new KvmException(ENODEV, "the ITS has no address type " + attr);
            }
            return VgicDevice.userWord(in, base);
        }
    }

    @Override
    public void hasAttr(int group, long attr) {
        synchronized (vm) {
            vm.checkOpen();
            boolean known = (group == Vgic.GRP_ADDR && attr == Vgic.ITS_ADDR_TYPE)
                    || (group == Vgic.GRP_CTRL && attr == Vgic.CTRL_INIT);
            if (!known) {
                throw new KvmException(ENXIO, String.format("no attribute 0x%x in group %d", attr, group));
            }
        }
    }
}
