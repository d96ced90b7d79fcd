package dev.armature.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The example of docs/vm-api.md, with a two-instruction guest, so that the document stays true. */
class VmApiDocExampleTest {
    @Test
    void vmWithAGicV3() {
        byte[] kernelImage = {
            0x40, 0x05, (byte) 0x80, (byte) 0xD2, // MOVZ X0, #42
            0x21, 0x04, 0x00, (byte) 0x91,        // ADD X1, X1, #1
        };
        long dtbAddress = 0x4800_0000L;
        ExitReason why;
        try (Vm vm = Vm.create()) {
            vm.setUserMemoryRegion(0, 0x4000_0000L, 128 << 20);

            Vcpu boot = vm.createVcpu(0);
            Vcpu second = vm.createVcpu(1);
            boot.init(Set.of(VcpuFeature.PSCI_0_2));
            second.init(Set.of(VcpuFeature.PSCI_0_2, VcpuFeature.POWER_OFF));

            Device gic = vm.createDevice(DeviceType.ARM_VGIC_V3);
            gic.setAttr(Vgic.GRP_ADDR, Vgic.V3_ADDR_TYPE_DIST, 0x0800_0000L);
            gic.setAttr(Vgic.GRP_ADDR, Vgic.V3_ADDR_TYPE_REDIST_REGION,
                    Vgic.redistRegion(2, 0x080A_0000L, 0, 0));
            gic.setAttr(Vgic.GRP_NR_IRQS, 0, 256L);
            gic.setAttr(Vgic.GRP_CTRL, Vgic.CTRL_INIT, null);

            vm.memory().writeBytes(0x4008_0000L, kernelImage);
            boot.setReg(Reg.PC, 0x4008_0000L);
            boot.setReg(Reg.x(0), dtbAddress);

            why = boot.run(2);
            assertEquals(42, boot.getReg(Reg.x(0)));
            assertEquals(1, boot.getReg(Reg.x(1)));
            assertEquals(0x110, gic.getAttr(Vgic.GRP_REDIST_REGS, Vgic.v3RegAttr(1, Vgic.GICR_TYPER)),
                    "vCPU 1 has the last redistributor");
            assertEquals(ExitReason.POWERED_OFF, second.run(10));
        }
        assertEquals(ExitReason.BUDGET, why);
    }
}
