package dev.armature.vm;

import static dev.armature.vm.Errno.EEXIST;
import static dev.armature.vm.Errno.EINVAL;
import static dev.armature.vm.VmTestSupport.RAM_BASE;
import static dev.armature.vm.VmTestSupport.addGuestMemory;
import static dev.armature.vm.VmTestSupport.addVcpu;
import static dev.armature.vm.VmTestSupport.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.CpuModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The GICv2/v3 models behind the vGIC device ({@link GicModels}, what {@link Vm#create()} uses): the guest sees
 * at the configured addresses what userspace sees through the device, userspace reads change nothing, and each
 * vCPU reset wires the fresh Cpu to the model and to the VMM.
 */
class GicModelsTest {
    @Test
    void guestVisibleGicrTyperIsTheContractsWhereverTheRegionsPutEachVcpu() {
        try (Vm vm = Vm.create()) {
            addGuestMemory(vm);
            List<Vcpu> vcpus = new ArrayList<>();
            for (int id : new int[] {0, 3, 5, 4, 1, 2}) {
                vcpus.add(addVcpu(vm, id));
            }
            Device gic = vm.createDevice(DeviceType.ARM_VGIC_V3);
            gic.setAttr(Vgic.GRP_ADDR, Vgic.V3_ADDR_TYPE_DIST, 0x0800_0000L);
            gic.setAttr(Vgic.GRP_ADDR, Vgic.V3_ADDR_TYPE_REDIST_REGION, Vgic.redistRegion(2, 0x100000, 0, 0));
            gic.setAttr(Vgic.GRP_ADDR, Vgic.V3_ADDR_TYPE_REDIST_REGION, Vgic.redistRegion(2, 0x240000, 0, 1));
            gic.setAttr(Vgic.GRP_ADDR, Vgic.V3_ADDR_TYPE_REDIST_REGION, Vgic.redistRegion(2, 0x200000, 0, 2));
            gic.setAttr(Vgic.GRP_CTRL, Vgic.CTRL_INIT, null);
            vcpus.getFirst().run(1);
            // KVM's slots in creation order: region 0 takes vCPUs 0 and 3, region 1 5 and 4, region 2 1 and 2.
            long[] bases = {0x100000, 0x120000, 0x240000, 0x260000, 0x200000, 0x220000};
            long[] typers = {0x000, 0x310, 0x500, 0x410, 0x100, 0x200};
            for (int i = 0; i < vcpus.size(); i++) {
                Vcpu v = vcpus.get(i);
                long attr = Vgic.v3RegAttr(v.mpidrAffinity(), Vgic.GICR_TYPER);
                assertEquals(typers[i], gic.getAttr(Vgic.GRP_REDIST_REGS, attr), "contract, vCPU " + v.id());
                assertEquals(typers[i], vm.memory().read(bases[i] + 8, 4), "guest's GICR_TYPER, vCPU " + v.id());
                assertEquals(v.mpidrAffinity(), vm.memory().read(bases[i] + 12, 4), "affinity, vCPU " + v.id());
            }
        }
    }

    @Test
    void theInterruptCountReachesTheModel() {
        try (Vm vm = Vm.create()) {
            vm.createVcpu(0);
            Device gic = vm.createDevice(DeviceType.ARM_VGIC_V3);
            gic.setAttr(Vgic.GRP_NR_IRQS, 0, 128L);
            gic.setAttr(Vgic.GRP_CTRL, Vgic.CTRL_INIT, null);
            assertEquals(3, gic.getAttr(Vgic.GRP_DIST_REGS, 0x0004) & 0x1f, "GICD_TYPER.ITLinesNumber: 128 INTIDs");
            assertEquals(128, ((VgicDevice) gic).model().interruptController().interruptCount());
        }
    }

    @Test
    void readingGiccIarThroughTheDeviceAcknowledgesNothing() {
        try (Vm vm = Vm.create()) {
            vm.createVcpu(0);
            Device gic = vm.createDevice(DeviceType.ARM_VGIC_V2);
            long cpu0 = Vgic.v2RegAttr(0, 0);
            gic.setAttr(Vgic.GRP_DIST_REGS, cpu0 | 0x000, 1L);       // GICD_CTLR: Group 0 on
            gic.setAttr(Vgic.GRP_DIST_REGS, cpu0 | 0x820, 1L);       // GICD_ITARGETSR8: INTID 32 to CPU 0
            gic.setAttr(Vgic.GRP_DIST_REGS, cpu0 | 0x104, 1L);       // GICD_ISENABLER1: INTID 32
            gic.setAttr(Vgic.GRP_DIST_REGS, cpu0 | 0x204, 1L);       // GICD_ISPENDR1: INTID 32
            gic.setAttr(Vgic.GRP_CPU_REGS, cpu0 | 0x04, 0xffL);      // GICC_PMR
            gic.setAttr(Vgic.GRP_CPU_REGS, cpu0 | 0x00, 1L);         // GICC_CTLR: Group 0 on
            assertEquals(32, gic.getAttr(Vgic.GRP_CPU_REGS, cpu0 | 0x0c), "GICC_IAR");
            assertEquals(32, gic.getAttr(Vgic.GRP_CPU_REGS, cpu0 | 0x0c), "GICC_IAR again: nothing acknowledged");
            assertEquals(1, gic.getAttr(Vgic.GRP_DIST_REGS, cpu0 | 0x204), "INTID 32 still pending");
            assertEquals(0, gic.getAttr(Vgic.GRP_DIST_REGS, cpu0 | 0x304), "and not active");
            assertEquals(0xff, gic.getAttr(Vgic.GRP_CPU_REGS, cpu0 | 0x14), "GICC_RPR: idle");
            assertTrue(vm.vcpuById(0).cpu().irqLine, "the vCPU's IRQ line is up");
        }
    }

    @Test
    void aFrameOnTopOfRamFailsTheFirstRunAndMapsNothing() {
        try (Vm vm = Vm.create()) {
            addGuestMemory(vm);
            Vcpu vcpu = addVcpu(vm, 0);
            Device gic = vm.createDevice(DeviceType.ARM_VGIC_V2);
            gic.setAttr(Vgic.GRP_ADDR, Vgic.V2_ADDR_TYPE_DIST, 0x0800_0000L);
            gic.setAttr(Vgic.GRP_ADDR, Vgic.V2_ADDR_TYPE_CPU, RAM_BASE);
            int regions = vm.memory().regions().size();
            assertErrno(EEXIST, () -> vcpu.run(1), "GICC frame on RAM");
            assertEquals(regions, vm.memory().regions().size(), "the distributor was not left mapped");
        }
    }

    @Test
    void eachResetGivesAFreshCpuWiredByTheVmAndTheVmm() {
        List<String> wired = new ArrayList<>();
        CpuWiring vmm = (vcpu, fresh, previous) ->
                wired.add("vCPU " + vcpu.id() + (hasIcc(fresh) ? " with ICC" : " without ICC"));
        try (Vm vm = Vm.create(Vm.DEFAULT_IPA_BITS, CpuModel.CORTEX_A57, GicModels.INSTANCE, vmm)) {
            addGuestMemory(vm);
            Vcpu boot = vm.createVcpu(0);
            Vcpu second = vm.createVcpu(17);
            boot.init(Set.of(VcpuFeature.PSCI_0_2));
            second.init(Set.of(VcpuFeature.PSCI_0_2, VcpuFeature.POWER_OFF));
            Device gic = vm.createDevice(DeviceType.ARM_VGIC_V3);
            gic.setAttr(Vgic.GRP_CTRL, Vgic.CTRL_INIT, null);
            assertTrue(hasIcc(second.cpu()), "the vGIC's creation connects the current Cpus");
            Cpu before = second.cpu();
            assertTrue(second.powerOn(RAM_BASE, 7));
            Cpu after = second.cpu();
            assertNotSame(before, after, "CPU_ON is a reset: a fresh Cpu");
            assertEquals(0x101, after.sys.read(key(after, "MPIDR_EL1")) & 0xff_ffffL, "MPIDR_EL1 of vCPU 17");
            assertEquals(List.of("vCPU 0 without ICC", "vCPU 17 without ICC", "vCPU 17 with ICC"), wired,
                    "the VMM's wiring runs after the vGIC's");
            assertEquals(7, second.getReg(Reg.x(0)));
            assertErrno(EINVAL, () -> second.install(boot.newCpu()), "another vCPU's Cpu");
            Cpu fresh = second.newCpu();
            second.install(fresh);
            assertSame(fresh, second.cpu());
        }
    }

    @Test
    void hasEl2StartsAtEl2hAndNeedsAModelWithEl2() {
        try (Vm plain = Vm.create()) {
            Vcpu v = plain.createVcpu(0);
            assertErrno(EINVAL, () -> v.init(Set.of(VcpuFeature.HAS_EL2)), "Cortex-A57 without EL2");
        }
        try (Vm vm = Vm.create(Vm.DEFAULT_IPA_BITS, CpuModel.CORTEX_A57.withEl2(true), GicModels.INSTANCE)) {
            Vcpu v = vm.createVcpu(0);
            v.init(Set.of(VcpuFeature.HAS_EL2));
            assertEquals(0x3c9, v.getReg(Reg.PSTATE), "EL2h, DAIF masked");
            v.setReg(Reg.PSTATE, 0x3c5);
            v.setReg(Reg.PSTATE, 0x3c9);
            assertErrno(EINVAL, () -> v.setReg(Reg.PSTATE, 0x3cd), "EL3h");
        }
    }

    private static boolean hasIcc(Cpu cpu) {
        return cpu.sys.available().stream().anyMatch(r -> r.name().equals("ICC_IAR1_EL1"));
    }

    private static int key(Cpu cpu, String name) {
        return cpu.sys.available().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow().key();
    }
}
