package dev.armature.machine;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.devices.gic.GicFrame;
import dev.armature.devices.gic.InterruptController;
import dev.armature.vm.GicModels;
import dev.armature.vm.Vgic;
import dev.armature.vm.VgicDevice;
import dev.armature.vm.Vm;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The board's GIC as it is built through the VM API: QEMU 7.2's addresses and interrupt counts set as device
 * attributes, and the {@code /intc} data QEMU writes for the same layout.
 */
class VirtGicTest {
    private static Vm vmWith(int cpus) {
        Vm vm = Vm.create(Vm.DEFAULT_IPA_BITS, CpuModel.CORTEX_A57, GicModels.INSTANCE);
        for (int i = 0; i < cpus; i++) {
            vm.createVcpu(i);
        }
        return vm;
    }

    @Test
    void gicV2IsConfiguredAtQemusAddressesWith288Intids() {
        try (Vm vm = vmWith(2)) {
            InterruptController gic = VirtGic.create(vm, 2);
            VgicDevice dev = vm.vgic().orElseThrow();
            assertEquals(0x0800_0000L, dev.getAttr(Vgic.GRP_ADDR, Vgic.V2_ADDR_TYPE_DIST));
            assertEquals(0x0801_0000L, dev.getAttr(Vgic.GRP_ADDR, Vgic.V2_ADDR_TYPE_CPU));
            assertEquals(288, dev.getAttr(Vgic.GRP_NR_IRQS, 0));
            assertEquals(288, gic.interruptCount());
            assertEquals(8 | 1 << 5, gic.readRegister(GicFrame.DISTRIBUTOR, 0, 0x004), "GICD_TYPER as on QEMU");
        }
    }

    @Test
    void gicV3PutsRedistributorsBeyond123InTheSecondRegionWithLastAsQemu() {
        try (Vm vm = vmWith(124)) {
            VirtGic.create(vm, 3);
            VgicDevice dev = vm.vgic().orElseThrow();
            assertEquals(Vgic.redistRegion(123, 0x080A_0000L, 0, 0),
                    dev.getAttr(Vgic.GRP_ADDR, Vgic.V3_ADDR_TYPE_REDIST_REGION, 0L));
            assertEquals(Vgic.redistRegion(512, 0x40_0000_0000L, 0, 1),
                    dev.getAttr(Vgic.GRP_ADDR, Vgic.V3_ADDR_TYPE_REDIST_REGION, 1L));
            assertEquals(256, dev.getAttr(Vgic.GRP_NR_IRQS, 0));
            long cpu122 = vm.vcpuById(122).mpidrAffinity();
            long cpu123 = vm.vcpuById(123).mpidrAffinity();
            assertEquals(122L << 8 | 0x10, dev.getAttr(Vgic.GRP_REDIST_REGS, Vgic.v3RegAttr(cpu122, Vgic.GICR_TYPER)),
                    "last of region 0");
            assertEquals(123L << 8 | 0x10, dev.getAttr(Vgic.GRP_REDIST_REGS, Vgic.v3RegAttr(cpu123, Vgic.GICR_TYPER)));
            assertEquals(7L << 8 | 11, dev.getAttr(Vgic.GRP_REDIST_REGS, Vgic.v3RegAttr(cpu123, Vgic.GICR_TYPER + 4)),
                    "Aff1 7, Aff0 11");
        }
    }

    @Test
    void deviceTreeDataMatchesQemu() {
        GicDeviceTree v2 = VirtGic.deviceTree(2, 2);
        assertEquals("arm,cortex-a15-gic", v2.compatible());
        assertEquals(List.of(0x0800_0000L, 0x1_0000L, 0x0801_0000L, 0x1_0000L), v2.reg());
        assertEquals(3, v2.interruptCells());
        assertEquals(0x300, v2.ppiCpuMask()); // QEMU's timer flags with 2 CPUs: 0x304 = mask | level-high

        GicDeviceTree v3 = VirtGic.deviceTree(3, 2);
        assertEquals("arm,gic-v3", v3.compatible());
        assertEquals(List.of(0x0800_0000L, 0x1_0000L, 0x080A_0000L, 0xF6_0000L), v3.reg());
        assertEquals(1, v3.redistributorRegions());
        assertEquals(0, v3.ppiCpuMask());

        GicDeviceTree big = VirtGic.deviceTree(3, 124);
        assertEquals(List.of(0x0800_0000L, 0x1_0000L, 0x080A_0000L, 0xF6_0000L, 0x40_0000_0000L, 0x400_0000L),
                big.reg());
        assertEquals(2, big.redistributorRegions());
    }
}
