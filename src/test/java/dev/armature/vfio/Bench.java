package dev.armature.vfio;

import static dev.armature.devices.gic.IccRegisters.ICC_EOIR1_EL1;
import static dev.armature.devices.gic.IccRegisters.ICC_IAR1_EL1;
import static dev.armature.devices.gic.IccRegisters.ICC_IGRPEN1_EL1;
import static dev.armature.devices.gic.IccRegisters.ICC_PMR_EL1;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.devices.gic.InterruptController;
import dev.armature.host.HostInterruptController;
import dev.armature.host.HostTimer;
import dev.armature.vm.Device;
import dev.armature.vm.DeviceType;
import dev.armature.vm.KvmVfioDevice;
import dev.armature.vm.Vgic;
import dev.armature.vm.VgicDevice;
import dev.armature.vm.Vm;


/**
 * A host with a timer on host line 5, a VMM holding it open through VFIO, and a one-vCPU VM whose vGIC is a real
 * GICv3 model; the "guest" is Java code acknowledging and EOIing through ICC_* registers and reading the
 * assigned timer's registers directly (passthrough MMIO).
 */
final class Bench implements AutoCloseable {
    static final int HOST_IRQ = 5;
    static final int GSI = 40;
    static final long GICD = 0x0800_0000L;

    final HostInterruptController hostIc = new HostInterruptController(8);
    final HostTimer timer = new HostTimer("timer0", hostIc.line(HOST_IRQ));
    final Vfio vfio = new Vfio();
    int fd = vfio.open(timer);
    final Vm vm;
    final KvmVfioDevice kvmVfio;
    private final InterruptController gic;
    private final Cpu cpu;
    /** Events the guest's handler has acknowledged at the device. */
    long guestEvents;
    /** Interrupts the guest took with no event at the device (duplicates). */
    long spurious;
    /** Interrupts the guest took. */
    long guestInterrupts;

    Bench() {
        vm = Vm.create();
        cpu = vm.createVcpu(0).cpu();
        Device v = vm.createDevice(DeviceType.ARM_VGIC_V3);
        v.setAttr(Vgic.GRP_ADDR, Vgic.V3_ADDR_TYPE_DIST, GICD);
        v.setAttr(Vgic.GRP_ADDR, Vgic.V3_ADDR_TYPE_REDIST_REGION, Vgic.redistRegion(1, 0x080A_0000L, 0, 0));
        v.setAttr(Vgic.GRP_NR_IRQS, 0, 256L);
        v.setAttr(Vgic.GRP_CTRL, Vgic.CTRL_INIT, null);
        gic = ((VgicDevice) v).model().interruptController();
        kvmVfio = (KvmVfioDevice) vm.createDevice(DeviceType.KVM_VFIO);
        // The guest's GIC driver: Group 1 on, SPIs 32-63 Group 1 and enabled, redistributor awake, PMR open.
        v.setAttr(Vgic.GRP_DIST_REGS, 0x0000, 2L);
        v.setAttr(Vgic.GRP_REDIST_REGS, Vgic.v3RegAttr(0, 0x14), 0L);
        v.setAttr(Vgic.GRP_DIST_REGS, 0x0084, 0xffff_ffffL);
        v.setAttr(Vgic.GRP_DIST_REGS, 0x0104, 0xffff_ffffL);
        gic.cpuInterface(0).writeSysReg(cpu, ICC_PMR_EL1, 0xff);
        gic.cpuInterface(0).writeSysReg(cpu, ICC_IGRPEN1_EL1, 1);
        // The guest's timer driver: one event per tick.
        timer.writeRegister(HostTimer.PERIOD, 1);
        timer.writeRegister(HostTimer.CTRL, 1);
    }

    KvmVfioDevice.ForwardedIrq irq() {
        return new KvmVfioDevice.ForwardedIrq(fd, 0, 0, GSI);
    }

    VfioPlatformDevice device() {
        return vfio.device(fd);
    }

    /** The guest's vCPU sees an IRQ. */
    boolean guestIrqPending() {
        return cpu.irqLine;
    }

    /** Acknowledges the highest-priority interrupt; 1023 if none. */
    int ack() {
        return (int) gic.cpuInterface(0).readSysReg(cpu, ICC_IAR1_EL1);
    }

    void eoi(int intid) {
        gic.cpuInterface(0).writeSysReg(cpu, ICC_EOIR1_EL1, intid);
    }

    /** The guest's whole handler: acknowledge, read and acknowledge the timer's events, EOI. */
    boolean handleOne() {
        int intid = ack();
        if (intid == 1023) {
            return false;
        }
        serviceDevice();
        eoi(intid);
        return true;
    }

    /** The device part of the guest handler (between acknowledge and EOI). */
    void serviceDevice() {
        guestInterrupts++;
        int n = timer.readRegister(HostTimer.EVENTS);
        if (n == 0) {
            spurious++;
        }
        timer.writeRegister(HostTimer.EVENTS, n);
        guestEvents += n;
    }

    @Override
    public void close() {
        vm.close();
    }
}
