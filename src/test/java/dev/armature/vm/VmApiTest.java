package dev.armature.vm;

import static dev.armature.vm.Errno.E2BIG;
import static dev.armature.vm.Errno.EBADF;
import static dev.armature.vm.Errno.EBUSY;
import static dev.armature.vm.Errno.EEXIST;
import static dev.armature.vm.Errno.EFAULT;
import static dev.armature.vm.Errno.EINVAL;
import static dev.armature.vm.Errno.ENODEV;
import static dev.armature.vm.Errno.ENOENT;
import static dev.armature.vm.Errno.ENOEXEC;
import static dev.armature.vm.Errno.ENOMEM;
import static dev.armature.vm.Errno.ENXIO;
import static dev.armature.vm.Vgic.GRP_ADDR;
import static dev.armature.vm.Vgic.GRP_CTRL;
import static dev.armature.vm.Vgic.GRP_NR_IRQS;
import static dev.armature.vm.Vgic.GRP_REDIST_REGS;
import static dev.armature.vm.VmTestSupport.RAM_BASE;
import static dev.armature.vm.VmTestSupport.addGuestMemory;
import static dev.armature.vm.VmTestSupport.addVcpu;
import static dev.armature.vm.VmTestSupport.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.devices.gic.InterruptController;
import dev.armature.memory.PhysicalMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The VM API beyond the vgic_init scenarios: vCPUs, memory, power state, registers, capabilities, the seam. */
class VmApiTest {

    @Test
    void errnoValuesAreLinux() {
        assertEquals(2, Errno.ENOENT.value());
        assertEquals(6, Errno.ENXIO.value());
        assertEquals(7, Errno.E2BIG.value());
        assertEquals(12, Errno.ENOMEM.value());
        assertEquals(14, Errno.EFAULT.value());
        assertEquals(16, Errno.EBUSY.value());
        assertEquals(17, Errno.EEXIST.value());
        assertEquals(19, Errno.ENODEV.value());
        assertEquals(22, Errno.EINVAL.value());
    }

    @Test
    void capabilities() {
        try (Vm vm = Vm.create()) {
            assertEquals(1, vm.checkExtension(Capability.DEVICE_CTRL));
            assertEquals(1, vm.checkExtension(Capability.ARM_PSCI));
            assertEquals(1, vm.checkExtension(Capability.ARM_PSCI_0_2));
            assertEquals(1, vm.checkExtension(Capability.MP_STATE));
            assertEquals(1, vm.checkExtension(Capability.IRQCHIP));
            assertEquals(44, vm.checkExtension(Capability.ARM_VM_IPA_SIZE));
            assertEquals(44, vm.checkExtension(165), "by KVM_CAP number");
            assertEquals(0, vm.checkExtension(9999), "unknown capabilities are 0");
            assertEquals(512, vm.checkExtension(Capability.MAX_VCPUS));
            assertTrue(vm.checkExtension(Capability.NR_VCPUS) >= 1);
            assertEquals(40, vm.maxIpaBits());
            vm.createDevice(DeviceType.ARM_VGIC_V2);
            assertEquals(8, vm.checkExtension(Capability.MAX_VCPUS), "a GICv2 limits the VM to 8 vCPUs");
        }
        try (Vm vm = Vm.create(44)) {
            assertEquals(44, vm.maxIpaBits());
        }
        assertErrno(EINVAL, () -> Vm.create(45), "IPA size above the limit");
        assertErrno(EINVAL, () -> Vm.create(31), "IPA size below 32");
    }

    @Test
    void vcpuIdsInAnyOrderDuplicatesAndLimits() {
        try (Vm vm = Vm.create()) {
            for (int id : new int[] {0, 3, 5, 4, 1, 2}) {
                vm.createVcpu(id);
            }
            assertEquals(List.of(0, 3, 5, 4, 1, 2), vm.vcpus().stream().map(Vcpu::id).toList());
            assertEquals(3, vm.vcpuById(3).cpu().index, "the Cpu's index is the vCPU id (MPIDR Aff0)");
            assertErrno(EEXIST, () -> vm.createVcpu(4), "duplicate id");
            assertErrno(EINVAL, () -> vm.createVcpu(512), "id beyond KVM_MAX_VCPU_IDS");
            assertErrno(EINVAL, () -> vm.createVcpu(-1), "negative id");
            assertEquals(6, vm.vcpus().size());
        }
        try (Vm vm = Vm.create()) {
            vm.createDevice(DeviceType.ARM_VGIC_V2);
            assertErrno(EINVAL, () -> vm.createVcpu(8), "GICv2 vCPU ids are below 8");
            for (int i = 0; i < 8; i++) {
                vm.createVcpu(i);
            }
            assertEquals(8, vm.checkExtension(Capability.MAX_VCPU_ID));
        }
        try (Vm vm = Vm.create()) {
            for (int i = 0; i < 9; i++) {
                vm.createVcpu(i);
            }
            assertErrno(E2BIG, () -> vm.createDevice(DeviceType.ARM_VGIC_V2), "GICv2 with 9 vCPUs");
            vm.createDevice(DeviceType.ARM_VGIC_V3);
        }
    }

    @Test
    void vcpuCreationAfterVgicInitIsBusy() {
        try (Vm vm = Vm.create()) {
            vm.createVcpu(0);
            Device gic = vm.createDevice(DeviceType.ARM_VGIC_V3);
            gic.setAttr(GRP_CTRL, Vgic.CTRL_INIT, null);
            assertErrno(EBUSY, () -> vm.createVcpu(1), "vCPU after vGIC init");
        }
    }

    @Test
    void vgicAfterFirstRunIsBusy() {
        try (Vm vm = Vm.create()) {
            addGuestMemory(vm);
            addVcpu(vm, 0).run(10);
            assertErrno(EBUSY, () -> vm.createDevice(DeviceType.ARM_VGIC_V3), "vGIC after a vCPU ran");
        }
    }

    @Test
    void unknownDeviceTypes() {
        try (Vm vm = Vm.create()) {
            assertErrno(ENODEV, () -> vm.createDevice(1, false), "FSL MPIC is not provided");
            assertErrno(ENODEV, () -> vm.createDevice(-1, true), "negative type");
            assertTrue(vm.devices().isEmpty());
        }
    }

    @Test
    void registersMapOntoTheCpu() {
        try (Vm vm = Vm.create()) {
            Vcpu vcpu = vm.createVcpu(0);
            assertErrno(ENOEXEC, () -> vcpu.getReg(Reg.PC), "registers before init");
            vcpu.init(Set.of());
            assertEquals(0x3c5, vcpu.getReg(Reg.PSTATE), "reset PSTATE: EL1h, DAIF masked");
            for (int n = 0; n <= 30; n++) {
                vcpu.setReg(Reg.x(n), 0x1000L + n);
            }
            Cpu cpu = vcpu.cpu();
            for (int n = 0; n <= 30; n++) {
                assertEquals(0x1000L + n, cpu.r[n]);
                assertEquals(0x1000L + n, vcpu.getReg(Reg.x(n)));
            }
            vcpu.setReg(Reg.PC, 0x4000_1000L);
            assertEquals(0x4000_1000L, cpu.pc);
            vcpu.setReg(Reg.SP, 0x111L);
            vcpu.setReg(Reg.SP_EL1, 0x222L);
            assertEquals(0x111L, cpu.spOf(0), "Reg.SP is KVM's user_pt_regs.sp, SP_EL0");
            assertEquals(0x222L, cpu.r[Cpu.SP], "at EL1h the current SP is SP_EL1");
            vcpu.setReg(Reg.PSTATE, 0x6000_03c4L);
            assertEquals(1, cpu.el);
            assertFalse(cpu.spSel);
            assertEquals(0x6000_0000, cpu.nzcv());
            assertEquals(0x111L, cpu.r[Cpu.SP], "EL1t selects SP_EL0");
            assertErrno(EINVAL, () -> vcpu.setReg(Reg.PSTATE, 0x3c9), "EL2h is not a KVM guest mode");
            assertErrno(EINVAL, () -> vcpu.setReg(Reg.PSTATE, 0x10), "AArch32 mode");
            vcpu.setReg(Reg.ELR_EL1, 0x333L);
            vcpu.setReg(Reg.SPSR_EL1, 0x3c5L);
            assertEquals(0x333L, cpu.sys.elrEl1);
            assertEquals(0x3c5L, cpu.sys.spsrEl1);
            assertEquals(0x6030_0000_0010_0040L, Reg.PC.id(), "KVM's id for PC");
            assertErrno(EINVAL, () -> vcpu.getReg(new Reg(Reg.CORE_BASE | 0x1)), "odd core offset");
            assertErrno(ENOENT, () -> vcpu.getReg(new Reg(0x6030_0000_0014_0000L)), "not a core or system register");
            assertErrno(EFAULT, () -> vcpu.getReg(null), "null register");
        }
    }

    @Test
    void initAndMpState() {
        try (Vm vm = Vm.create()) {
            Vcpu a = vm.createVcpu(0);
            Vcpu b = vm.createVcpu(1);
            assertEquals(MpState.RUNNABLE, a.getMpState());
            a.init(Set.of(VcpuFeature.PSCI_0_2));
            b.init(Set.of(VcpuFeature.PSCI_0_2, VcpuFeature.POWER_OFF));
            assertEquals(MpState.RUNNABLE, a.getMpState());
            assertEquals(MpState.STOPPED, b.getMpState(), "POWER_OFF at init");
            assertErrno(EINVAL, () -> b.init(Set.of(VcpuFeature.PSCI_0_2)), "re-init with other features");
            assertEquals(MpState.STOPPED, b.getMpState());
            b.setMpState(MpState.RUNNABLE);
            assertEquals(MpState.RUNNABLE, b.getMpState());
            b.setMpState(MpState.STOPPED);
            assertEquals(MpState.STOPPED, b.getMpState());
            for (MpState s : MpState.values()) {
                if (s != MpState.RUNNABLE && s != MpState.STOPPED) {
                    assertErrno(EINVAL, () -> b.setMpState(s), s + " cannot be set");
                }
            }
            assertEquals(MpState.STOPPED, b.getMpState());
        }
    }

    /**
     * The MP_STATE review's question: a secondary created powered off, made RUNNABLE by a migration's
     * KVM_SET_MP_STATE, must be held off again when userspace re-inits it for a PSCI SYSTEM_RESET: the reset
     * follows the init features (the board's defaults), not the migrated power state.
     */
    @Test
    void resetAfterMigrationFollowsTheInitFeaturesNotTheMigratedMpState() {
        try (Vm vm = Vm.create()) {
            Vcpu boot = vm.createVcpu(0);
            Vcpu secondary = vm.createVcpu(1);
            boot.init(Set.of(VcpuFeature.PSCI_0_2));
            secondary.init(Set.of(VcpuFeature.PSCI_0_2, VcpuFeature.POWER_OFF));
            secondary.setMpState(MpState.RUNNABLE); // restored from the source, where the guest had powered it on
            secondary.setReg(Reg.PC, 0x4008_0100L);
            assertEquals(MpState.RUNNABLE, secondary.getMpState());
            assertEquals(0x4008_0100L, secondary.getReg(Reg.PC), "runs on at its migrated PC");

            boot.init(Set.of(VcpuFeature.PSCI_0_2)); // system reset: userspace re-inits every vCPU
            secondary.init(Set.of(VcpuFeature.PSCI_0_2, VcpuFeature.POWER_OFF));
            assertEquals(MpState.RUNNABLE, boot.getMpState());
            assertEquals(MpState.STOPPED, secondary.getMpState(), "held off until the guest's CPU_ON");
            assertEquals(0, secondary.getReg(Reg.PC));
        }
    }

    @Test
    void runExecutesGuestCodeAndHonoursPowerState() {
        try (Vm vm = Vm.create()) {
            addGuestMemory(vm);
            Vcpu vcpu = vm.createVcpu(0);
            assertErrno(ENOEXEC, () -> vcpu.run(10), "run before init");
            vcpu.init(Set.of(VcpuFeature.POWER_OFF));
            assertEquals(ExitReason.POWERED_OFF, vcpu.run(10));
            assertEquals(0, vcpu.getReg(Reg.x(0)), "nothing ran");

            assertTrue(vcpu.powerOn(RAM_BASE, 0x1234), "PSCI CPU_ON of a powered-off vCPU");
            assertFalse(vcpu.powerOn(RAM_BASE, 0), "ALREADY_ON");
            assertEquals(0x1234, vcpu.getReg(Reg.x(0)), "context id in X0");
            assertEquals(RAM_BASE, vcpu.getReg(Reg.PC));
            assertEquals(ExitReason.BUDGET, vcpu.run(10));
            assertEquals(42, vcpu.getReg(Reg.x(0)), "MOVZ X0, #42 ran");
            assertEquals(9, vcpu.getReg(Reg.x(1)), "then 9 ADDs");
            assertEquals(RAM_BASE + 40, vcpu.getReg(Reg.PC));

            // PSCI CPU_OFF from inside the guest's run: the board's exception hook (where its PSCI firmware
            // sees HVC/SMC) powers the vCPU off and run returns. Any synchronous exception reaches the hook;
            // an undefined instruction stands in for the HVC here.
            vcpu.cpu().exceptionHook = (cpu, e) -> {
                vcpu.powerOff();
                return true;
            };
            vm.memory().write(RAM_BASE + 0x100, 4, 0); // UDF #0
            vcpu.setReg(Reg.PC, RAM_BASE + 0xf0);
            assertEquals(ExitReason.POWERED_OFF, vcpu.run(1000));
            assertEquals(MpState.STOPPED, vcpu.getMpState());
        }
    }

    @Test
    void requestExitStopsARun() throws Exception {
        try (Vm vm = Vm.create()) {
            addGuestMemory(vm);
            Vcpu vcpu = addVcpu(vm, 0);
            Thread t = new Thread(() -> {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                vcpu.requestExit();
            });
            t.start();
            assertEquals(ExitReason.EXIT_REQUEST, vcpu.run(Long.MAX_VALUE));
            t.join();
            assertEquals(ExitReason.BUDGET, vcpu.run(5), "the request was consumed");
        }
    }

    @Test
    void memorySlots() {
        try (Vm vm = Vm.create()) {
            vm.setUserMemoryRegion(0, 0x4000_0000L, 0x10000);
            vm.setUserMemoryRegion(1, 0x5000_0000L, 0x2000);
            assertErrno(EEXIST, () -> vm.setUserMemoryRegion(2, 0x4000_f000L, 0x2000), "overlap");
            assertErrno(EINVAL, () -> vm.setUserMemoryRegion(2, 0x4010_0800L, 0x1000), "unaligned base");
            assertErrno(EINVAL, () -> vm.setUserMemoryRegion(2, 0x4010_0000L, 0x1800), "unaligned size");
            assertErrno(EFAULT, () -> vm.setUserMemoryRegion(2, (1L << 40) - 0x1000, 0x2000), "beyond IPA");
            assertErrno(EINVAL, () -> vm.setUserMemoryRegion(3, 0, 0), "delete a missing slot");
            assertErrno(EINVAL, () -> vm.setUserMemoryRegion(1, 0x5000_0000L, 0x4000), "resize");
            assertErrno(EINVAL, () -> vm.setUserMemoryRegion(-1, 0, 0x1000), "bad slot number");
            assertErrno(ENOMEM, () -> vm.setUserMemoryRegion(2, 1L << 39, 1L << 39), "more RAM than the host has");

            vm.memory().write(0x5000_0010L, 8, 0xfeedL);
            vm.setUserMemoryRegion(1, 0x6000_0000L, 0x2000);
            assertEquals(0xfeedL, vm.memory().read(0x6000_0010L, 8), "a moved slot keeps its contents");
            assertNull(vm.memory().find(0x5000_0010L));
            assertEquals(List.of(new Vm.MemorySlot(0, 0x4000_0000L, 0x10000), new Vm.MemorySlot(1, 0x6000_0000L,
                    0x2000)), vm.memorySlots());
            vm.setUserMemoryRegion(1, 0, 0);
            assertEquals(1, vm.memorySlots().size());
            assertNull(vm.memory().find(0x6000_0010L));
        }
    }

    @Test
    void nrIrqs() {
        try (Vm vm = Vm.create()) {
            vm.createVcpu(0);
            Device gic = vm.createDevice(DeviceType.ARM_VGIC_V3);
            gic.hasAttr(GRP_NR_IRQS, 0);
            assertEquals(32, gic.getAttr(GRP_NR_IRQS, 0), "nothing set: SGIs and PPIs only");
            assertErrno(EINVAL, () -> gic.setAttr(GRP_NR_IRQS, 0, 32L), "fewer than 32 SPIs");
            assertErrno(EINVAL, () -> gic.setAttr(GRP_NR_IRQS, 0, 100L), "not a multiple of 32");
            assertErrno(EINVAL, () -> gic.setAttr(GRP_NR_IRQS, 0, 1024L), "more than 1023");
            assertErrno(EFAULT, () -> gic.setAttr(GRP_NR_IRQS, 0, (Long) null), "NULL pointer");
            gic.setAttr(GRP_NR_IRQS, 0, 128L);
            assertEquals(128, gic.getAttr(GRP_NR_IRQS, 0));
            assertErrno(EBUSY, () -> gic.setAttr(GRP_NR_IRQS, 0, 256L), "set twice");
        }
        try (Vm vm = Vm.create()) {
            Device gic = vm.createDevice(DeviceType.ARM_VGIC_V2);
            gic.setAttr(GRP_CTRL, Vgic.CTRL_INIT, null);
            assertEquals(256, gic.getAttr(GRP_NR_IRQS, 0), "init freezes the default");
            assertErrno(EBUSY, () -> gic.setAttr(GRP_NR_IRQS, 0, 64L), "after init");
        }
    }

    @Test
    void addressReadBackAndGroupsOfTheOtherVersion() {
        try (Vm vm = Vm.create()) {
            vm.createVcpu(0);
            Device gic = vm.createDevice(DeviceType.ARM_VGIC_V3);
            assertEquals(-1L, gic.getAttr(GRP_ADDR, Vgic.V3_ADDR_TYPE_DIST), "unset reads VGIC_ADDR_UNDEF");
            assertEquals(-1L, gic.getAttr(GRP_ADDR, Vgic.V3_ADDR_TYPE_REDIST));
            gic.setAttr(GRP_ADDR, Vgic.V3_ADDR_TYPE_DIST, 0x0800_0000L);
            gic.setAttr(GRP_ADDR, Vgic.V3_ADDR_TYPE_REDIST, 0x080A_0000L);
            assertEquals(0x0800_0000L, gic.getAttr(GRP_ADDR, Vgic.V3_ADDR_TYPE_DIST));
            assertEquals(0x080A_0000L, gic.getAttr(GRP_ADDR, Vgic.V3_ADDR_TYPE_REDIST));
            assertErrno(EEXIST, () -> gic.setAttr(GRP_ADDR, Vgic.V3_ADDR_TYPE_DIST, 0x0900_0000L), "dist twice");
            assertErrno(ENXIO, () -> gic.setAttr(GRP_ADDR, Vgic.V2_ADDR_TYPE_CPU, 0x0801_0000L), "v2 type on v3");
            assertErrno(ENXIO, () -> gic.hasAttr(Vgic.GRP_CPU_REGS, 0), "no v2 CPU_REGS group on v3");
            assertErrno(ENXIO, () -> gic.getAttr(GRP_CTRL, Vgic.CTRL_INIT), "CTRL cannot be read");
            assertErrno(ENXIO, () -> gic.setAttr(GRP_CTRL, 7, null), "unknown control");
            assertErrno(EFAULT, () -> gic.getAttr(GRP_ADDR, Vgic.V3_ADDR_TYPE_DIST, null), "NULL pointer on get");
            assertErrno(ENXIO, () -> gic.hasAttr(42, 0), "unknown group");
        }
    }

    @Test
    void typerHighHalfIsTheAffinityAndItsSetsPlpis() {
        try (Vm vm = Vm.create()) {
            for (int id : new int[] {0, 17}) {
                vm.createVcpu(id);
            }
            Device gic = vm.createDevice(DeviceType.ARM_VGIC_V3);
            vm.createDevice(DeviceType.ARM_VGIC_ITS);
            gic.setAttr(GRP_CTRL, Vgic.CTRL_INIT, null);
            long aff17 = vm.vcpuById(17).mpidrAffinity();
            assertEquals(0x101L, aff17, "KVM's default MPIDR: Aff1 = id >> 4, Aff0 = id & 15");
            assertEquals(0x1101L, gic.getAttr(GRP_REDIST_REGS, Vgic.v3RegAttr(aff17, Vgic.GICR_TYPER)),
                    "Processor_Number 17, PLPIS");
            assertEquals(0x101L, gic.getAttr(GRP_REDIST_REGS, Vgic.v3RegAttr(aff17, Vgic.GICR_TYPER + 4)));
            assertErrno(EINVAL, () -> gic.getAttr(GRP_REDIST_REGS, Vgic.v3RegAttr(17, Vgic.GICR_TYPER)),
                    "attributes name vCPUs by affinity, not id");
            gic.setAttr(GRP_REDIST_REGS, Vgic.v3RegAttr(0, Vgic.GICR_TYPER), 0xffffL);
            assertEquals(0x1L, gic.getAttr(GRP_REDIST_REGS, Vgic.v3RegAttr(0, Vgic.GICR_TYPER)), "writes ignored");
            gic.hasAttr(GRP_REDIST_REGS, Vgic.v3RegAttr(0, Vgic.GICR_TYPER));
            assertErrno(ENXIO, () -> gic.hasAttr(GRP_REDIST_REGS, Vgic.v3RegAttr(0, 0x9)), "unaligned");
            assertEquals(0L, gic.getAttr(GRP_REDIST_REGS, Vgic.v3RegAttr(0, 0x0)), "GICR_CTLR, from the model");
            assertErrno(ENXIO, () -> gic.getAttr(GRP_REDIST_REGS, Vgic.v3RegAttr(0, 0x4000)), "nothing there");
        }
    }

    /** A model that records what the contract asks of it, with one register per space at offset 0. */
    private static final class RecordingFactory implements VgicModelFactory {
        final List<String> calls = new ArrayList<>();
        VgicLayout layout;
        int value;

        @Override
        public boolean hasRegister(int version, RegisterSpace space, long offset) {
            return offset == 0;
        }

        @Override
        public VgicModel create(int version, int interruptCount, List<Vcpu> vcpus) {
            calls.add("create v" + version + " irqs=" + interruptCount + " vcpus="
                    + vcpus.stream().map(Vcpu::id).toList());
            return new VgicModel() {
                @Override
                public void map(VgicLayout l, PhysicalMemory memory) {
                    calls.add("map");
                    layout = l;
                }

                @Override
                public void connect(int vcpuIndex, Cpu fresh, Cpu previous) {
                    calls.add("connect " + vcpuIndex);
                }

                @Override
                public int readRegister(RegisterSpace space, int vcpuIndex, long offset) {
                    calls.add("read " + space + " vcpu#" + vcpuIndex);
                    return value;
                }

                @Override
                public void writeRegister(RegisterSpace space, int vcpuIndex, long offset, int v) {
                    calls.add("write " + space + " vcpu#" + vcpuIndex + " " + v);
                    value = v;
                }

                @Override
                public InterruptController interruptController() {
                    return null;
                }

                @Override
                public void close() {
                    calls.add("close");
                }
            };
        }
    }

    @Test
    void modelSeamGicV3() {
        RecordingFactory f = new RecordingFactory();
        Vm vm = Vm.create(40, dev.armature.arch.aarch64.CpuModel.CORTEX_A57, f);
        addGuestMemory(vm);
        List<Vcpu> vcpus = new ArrayList<>();
        for (int id : new int[] {0, 3, 5, 4, 1, 2}) {
            vcpus.add(addVcpu(vm, id));
        }
        Device gic = vm.createDevice(DeviceType.ARM_VGIC_V3);
        gic.hasAttr(Vgic.GRP_DIST_REGS, 0);
        gic.setAttr(GRP_NR_IRQS, 0, 128L);
        gic.setAttr(GRP_CTRL, Vgic.CTRL_INIT, null);
        assertEquals(List.of("create v3 irqs=128 vcpus=[0, 3, 5, 4, 1, 2]"), f.calls);
        gic.setAttr(Vgic.GRP_REDIST_REGS, Vgic.v3RegAttr(5, 0), 7L);
        assertEquals(7L, gic.getAttr(Vgic.GRP_REDIST_REGS, Vgic.v3RegAttr(5, 0)));
        assertEquals("read REDISTRIBUTOR vcpu#2", f.calls.getLast(), "vCPU 5 was created third");
        vcpus.get(1).init(vcpus.get(1).features());
        assertEquals("connect 1", f.calls.getLast(), "a reset connects the vCPU's fresh Cpu to the model");
        gic.setAttr(GRP_ADDR, Vgic.V3_ADDR_TYPE_DIST, 0x0800_0000L);
        gic.setAttr(GRP_ADDR, Vgic.V3_ADDR_TYPE_REDIST_REGION, Vgic.redistRegion(2, 0x100000, 0, 0));
        gic.setAttr(GRP_ADDR, Vgic.V3_ADDR_TYPE_REDIST_REGION, Vgic.redistRegion(2, 0x240000, 0, 1));
        gic.setAttr(GRP_ADDR, Vgic.V3_ADDR_TYPE_REDIST_REGION, Vgic.redistRegion(2, 0x200000, 0, 2));
        assertNull(f.layout, "mapped only at the first run");
        vcpus.get(2).run(5);
        vcpus.get(0).run(5);
        assertEquals(1, f.calls.stream().filter("map"::equals).count(), "mapped once");
        assertEquals(new VgicLayout(3, 0x0800_0000L, -1, List.of(
                new VgicLayout.Redistributor(0, 0x100000, false),
                new VgicLayout.Redistributor(3, 0x120000, true),
                new VgicLayout.Redistributor(5, 0x240000, false),
                new VgicLayout.Redistributor(4, 0x260000, true),
                new VgicLayout.Redistributor(1, 0x200000, false),
                new VgicLayout.Redistributor(2, 0x220000, false)), 128), f.layout);
        vm.close();
        assertEquals("close", f.calls.getLast());
        assertErrno(EBADF, () -> gic.getAttr(GRP_NR_IRQS, 0), "device of a closed VM");
        assertErrno(EBADF, () -> vcpus.get(0).run(1), "vCPU of a closed VM");
        assertErrno(EBADF, () -> vm.createVcpu(9), "closed VM");
    }

    @Test
    void modelSeamGicV2InitialisesOnRegisterAccessAndFirstRun() {
        RecordingFactory f = new RecordingFactory();
        try (Vm vm = Vm.create(40, dev.armature.arch.aarch64.CpuModel.CORTEX_A57, f)) {
            addGuestMemory(vm);
            Vcpu vcpu = addVcpu(vm, 0);
            VgicDevice gic = (VgicDevice) vm.createDevice(DeviceType.ARM_VGIC_V2);
            assertErrno(ENXIO, () -> gic.getAttr(Vgic.GRP_CPU_REGS, Vgic.v2RegAttr(0, 0x4)), "no such register");
            assertTrue(gic.initialized(), "a GICv2 register access initialises the vGIC even when it fails");
            gic.setAttr(Vgic.GRP_CPU_REGS, Vgic.v2RegAttr(0, 0), 3L);
            assertEquals(List.of("create v2 irqs=256 vcpus=[0]", "write CPU_INTERFACE vcpu#0 3"), f.calls);
            assertErrno(ENXIO, () -> vcpu.run(1), "frames not set");
            gic.setAttr(GRP_ADDR, Vgic.V2_ADDR_TYPE_DIST, 0x0800_0000L);
            gic.setAttr(GRP_ADDR, Vgic.V2_ADDR_TYPE_CPU, 0x0801_0000L);
            assertEquals(ExitReason.BUDGET, vcpu.run(1));
            assertEquals(new VgicLayout(2, 0x0800_0000L, 0x0801_0000L, List.of(), 256), f.layout);
        }
    }

    @Test
    void gicV2InitialisesImplicitlyAtFirstRun() {
        try (Vm vm = Vm.create()) {
            addGuestMemory(vm);
            Vcpu vcpu = addVcpu(vm, 0);
            VgicDevice gic = (VgicDevice) vm.createDevice(DeviceType.ARM_VGIC_V2);
            gic.setAttr(GRP_ADDR, Vgic.V2_ADDR_TYPE_DIST, 0x0800_0000L);
            gic.setAttr(GRP_ADDR, Vgic.V2_ADDR_TYPE_CPU, 0x0801_0000L);
            assertFalse(gic.initialized());
            assertEquals(ExitReason.BUDGET, vcpu.run(3));
            assertTrue(gic.initialized());
            assertSame(gic, vm.vgic().orElseThrow());
        }
    }
}
