package dev.armature.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The examples of README.md and docs/vm-api.md, run as written (with a small guest), and a check that each
 * document still quotes them line for line, so the documents stay true.
 */
class VmApiDocExampleTest {
    private static final Path SELF = Path.of("src/test/java/dev/armature/vm/VmApiDocExampleTest.java");

    /** MOVZ X0, #42; ADD X1, X1, #1; B . */
    private static final byte[] GUEST = {
        0x40, 0x05, (byte) 0x80, (byte) 0xD2,
        0x21, 0x04, 0x00, (byte) 0x91,
        0x00, 0x00, 0x00, 0x14,
    };

    @Test
    void vmApiGuideExample() {
        byte[] kernelImage = GUEST;
        long dtbAddress = 0x4800_0000L;
        // ---- docs/vm-api.md, "A VM with a GICv3" ----
        try (Vm vm = Vm.create()) {                          // KVM_CREATE_VM: 40-bit IPA space
            vm.setUserMemoryRegion(0, 0x4000_0000L, 128 << 20); // slot 0: 128 MiB of RAM at 1 GiB

            Vcpu boot = vm.createVcpu(0);                   // KVM_CREATE_VCPU
            Vcpu second = vm.createVcpu(1);
            boot.init(Set.of(VcpuFeature.PSCI_0_2));        // KVM_ARM_VCPU_INIT
            second.init(Set.of(VcpuFeature.PSCI_0_2, VcpuFeature.POWER_OFF));

            Device gic = vm.createDevice(DeviceType.ARM_VGIC_V3);           // KVM_CREATE_DEVICE
            gic.setAttr(Vgic.GRP_ADDR, Vgic.V3_ADDR_TYPE_DIST, 0x0800_0000L);
            gic.setAttr(Vgic.GRP_ADDR, Vgic.V3_ADDR_TYPE_REDIST_REGION,
                    Vgic.redistRegion(2, 0x080A_0000L, 0, 0));             // 2 redistributors, region 0
            gic.setAttr(Vgic.GRP_NR_IRQS, 0, 256L);
            gic.setAttr(Vgic.GRP_CTRL, Vgic.CTRL_INIT, null);               // GICv3 needs an explicit init

            vm.memory().writeBytes(0x4008_0000L, kernelImage);
            boot.setReg(Reg.PC, 0x4008_0000L);              // KVM_SET_ONE_REG
            boot.setReg(Reg.x(0), dtbAddress);

            ExitReason why = boot.run(1_000_000);           // KVM_RUN, at most a million instructions
            // ---- end of the example's body; what it did: ----
            assertEquals(ExitReason.BUDGET, why);
            assertEquals(42, boot.getReg(Reg.x(0)));
            assertEquals(1, boot.getReg(Reg.x(1)));
            assertEquals(0x110, gic.getAttr(Vgic.GRP_REDIST_REGS, Vgic.v3RegAttr(1, Vgic.GICR_TYPER)),
                    "vCPU 1 has the last redistributor");
            assertEquals(0x110L, vm.memory().read(0x080C_0008L, 4), "the model's frames are mapped: GICR_TYPER");
            assertEquals(ExitReason.POWERED_OFF, second.run(10));
        } catch (KvmException e) {
            System.err.println(e.getMessage() + " (errno " + e.errno().value() + ")");
            throw e;
        }
    }

    @Test
    void readmeExample() {
        long[] seen = new long[1];
        // ---- README.md, "Creating a VM from Java" ----
        try (Vm vm = Vm.create()) {                 // KVM_CREATE_VM; the vGIC is backed by the GICv2/v3 models
            vm.setUserMemoryRegion(0, 0x4000_0000L, 128 << 20);
            vm.memory().writeBytes(0x4000_0000L, GUEST);
            Vcpu cpu0 = vm.createVcpu(0);
            cpu0.init(Set.of(VcpuFeature.PSCI_0_2));
            Device gic = vm.createDevice(DeviceType.ARM_VGIC_V3);
            gic.setAttr(Vgic.GRP_ADDR, Vgic.V3_ADDR_TYPE_DIST, 0x0800_0000L);
            gic.setAttr(Vgic.GRP_ADDR, Vgic.V3_ADDR_TYPE_REDIST_REGION, Vgic.redistRegion(1, 0x080A_0000L, 0, 0));
            gic.setAttr(Vgic.GRP_CTRL, Vgic.CTRL_INIT, null);
            cpu0.setReg(Reg.PC, 0x4000_0000L);
            cpu0.run(1_000_000);                    // the first run maps the GIC's frames into guest memory
            long typer = gic.getAttr(Vgic.GRP_DIST_REGS, 0x0004);   // GICD_TYPER, as the guest reads it
            seen[0] = typer;
            assertEquals(typer, vm.memory().read(0x0800_0004L, 4));
            assertEquals(42, cpu0.getReg(Reg.x(0)));
        } catch (KvmException e) {          // carries the errno KVM gives: e.errno() == Errno.EEXIST, ...
            System.err.println(e.getMessage());
            throw e;
        }
        // GICv3 with 256 INTIDs (ITLinesNumber 7), IDbits 9, A3V: the model's GICD_TYPER.
        assertEquals(7 | 9 << 19 | 1 << 24, seen[0]);
    }

    @Test
    void theDocumentsQuoteTheseExamples() throws IOException {
        String self = Files.readString(SELF);
        for (String doc : List.of("README.md", "docs/vm-api.md")) {
            String text = Files.readString(Path.of(doc));
            int start = text.indexOf("```java\n");
            assertTrue(start >= 0, doc + " has a Java example");
            String block = text.substring(start + 8, text.indexOf("```", start + 8));
            for (String line : block.split("\n")) {
                String code = line.strip();
                if (code.isEmpty() || code.startsWith("import ")) {
                    continue;
                }
                assertTrue(self.contains(code), doc + "'s example has a line this test does not run: " + code);
            }
        }
    }
}
