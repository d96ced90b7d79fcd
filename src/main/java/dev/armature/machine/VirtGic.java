package dev.armature.machine;

import dev.armature.devices.gic.GicV3;
import dev.armature.devices.gic.InterruptController;
import dev.armature.vm.Device;
import dev.armature.vm.DeviceType;
import dev.armature.vm.Vgic;
import dev.armature.vm.VgicDevice;
import dev.armature.vm.Vm;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code virt} board's interrupt controller, created through the VM API as a VMM creates it with KVM: a
 * vGIC device, its frames at QEMU 7.2's addresses (KVM_DEV_ARM_VGIC_GRP_ADDR), QEMU's interrupt count
 * (GRP_NR_IRQS), then KVM_DEV_ARM_VGIC_CTRL_INIT. Also the {@code /intc} device-tree data for that layout.
 */
final class VirtGic {
    static final long DIST_BASE = 0x0800_0000L;
    /** GICv2 CPU interface. */
    static final long CPU_BASE = 0x0801_0000L;
    /** GICv3 redistributor region 0, which holds 123 redistributors; further ones go to region 1. */
    static final long REDIST_BASE = 0x080A_0000L;
    static final long REDIST_REGION_SIZE = 0xF6_0000L;
    static final long REDIST2_BASE = 0x40_0000_0000L;
    static final long REDIST2_REGION_SIZE = 0x400_0000L;
    /** The size the device tree declares for each GICv2 frame (QEMU's value). */
    static final long V2_DT_FRAME_SIZE = 0x1_0000;
    /** QEMU's interrupt counts: 256 SPIs with GICv2, "224 SPIs" (ITLinesNumber 7) with GICv3. */
    static final int V2_INTERRUPTS = 288;
    static final int V3_INTERRUPTS = 256;

    private VirtGic() {
    }

    /** Redistributors that fit in region 0. */
    static int redistributorsInRegion0(int smp) {
        return (int) Math.min(smp, REDIST_REGION_SIZE / GicV3.REDIST_STRIDE);
    }

    /**
     * Creates the vGIC of {@code version} in {@code vm}, whose vCPUs all exist, configured and initialised.
     *
     * @return its interrupt controller, for the board's devices and reset
     */
    static InterruptController create(Vm vm, int version) {
        int smp = vm.vcpus().size();
        Device gic;
        if (version == 3) {
            gic = vm.createDevice(DeviceType.ARM_VGIC_V3);
            gic.setAttr(Vgic.GRP_ADDR, Vgic.V3_ADDR_TYPE_DIST, DIST_BASE);
            int inRegion0 = redistributorsInRegion0(smp);
            gic.setAttr(Vgic.GRP_ADDR, Vgic.V3_ADDR_TYPE_REDIST_REGION,
                    Vgic.redistRegion((int) (REDIST_REGION_SIZE / GicV3.REDIST_STRIDE), REDIST_BASE, 0, 0));
            if (smp > inRegion0) {
                gic.setAttr(Vgic.GRP_ADDR, Vgic.V3_ADDR_TYPE_REDIST_REGION,
                        Vgic.redistRegion((int) (REDIST2_REGION_SIZE / GicV3.REDIST_STRIDE), REDIST2_BASE, 0, 1));
            }
            gic.setAttr(Vgic.GRP_NR_IRQS, 0, V3_INTERRUPTS);
        } else {
            gic = vm.createDevice(DeviceType.ARM_VGIC_V2);
            gic.setAttr(Vgic.GRP_ADDR, Vgic.V2_ADDR_TYPE_DIST, DIST_BASE);
            gic.setAttr(Vgic.GRP_ADDR, Vgic.V2_ADDR_TYPE_CPU, CPU_BASE);
            gic.setAttr(Vgic.GRP_NR_IRQS, 0, V2_INTERRUPTS);
        }
        gic.setAttr(Vgic.GRP_CTRL, Vgic.CTRL_INIT, null);
        return ((VgicDevice) gic).model().interruptController();
    }

    /** The {@code /intc} node's data for {@code version} with {@code smp} CPUs, as QEMU 7.2 writes it. */
    static GicDeviceTree deviceTree(int version, int smp) {
        if (version == 2) {
            return new GicDeviceTree("arm,cortex-a15-gic", List.of(DIST_BASE, V2_DT_FRAME_SIZE, CPU_BASE,
                    V2_DT_FRAME_SIZE), GicDeviceTree.INTERRUPT_CELLS, 0, ((1 << smp) - 1) << 8);
        }
        List<Long> reg = new ArrayList<>(List.of(DIST_BASE, GicV3.DIST_SIZE, REDIST_BASE, REDIST_REGION_SIZE));
        boolean twoRegions = smp > redistributorsInRegion0(smp);
        if (twoRegions) {
            reg.addAll(List.of(REDIST2_BASE, REDIST2_REGION_SIZE));
        }
        return new GicDeviceTree("arm,gic-v3", List.copyOf(reg), GicDeviceTree.INTERRUPT_CELLS,
                twoRegions ? 2 : 1, 0);
    }
}
