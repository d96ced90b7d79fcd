package dev.armature.vfio;

import static dev.armature.devices.gic.IccRegisters.ICC_EOIR1_EL1;
import static dev.armature.devices.gic.IccRegisters.ICC_IAR1_EL1;
import static dev.armature.devices.gic.IccRegisters.ICC_IGRPEN1_EL1;
import static dev.armature.devices.gic.IccRegisters.ICC_PMR_EL1;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.CpuModel;
import dev.armature.devices.gic.GicV3;
import dev.armature.devices.gic.IrqForwarding;
import dev.armature.devices.gic.MmioWindow;
import dev.armature.host.HostInterruptController;
import dev.armature.host.HostTimer;
import dev.armature.memory.BusMaster;
import dev.armature.memory.PhysicalMemory;
import dev.armature.vm.Device;
import dev.armature.vm.DeviceType;
import dev.armature.vm.KvmVfioDevice;
import dev.armature.vm.RegisterSpace;
import dev.armature.vm.Vgic;
import dev.armature.vm.VgicLayout;
import dev.armature.vm.VgicModel;
import dev.armature.vm.VgicModelFactory;
import dev.armature.vm.Vm;

import java.util.List;

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
    private final PhysicalMemory gicMemory = new PhysicalMemory();
    private GicV3 gic;
    private Cpu cpu;
    /** Events the guest's handler has acknowledged at the device. */
    long guestEvents;
    /** Interrupts the guest took with no event at the device (duplicates). */
    long spurious;
    /** Interrupts the guest took. */
    long guestInterrupts;

    Bench() {
        vm = Vm.create(40, CpuModel.CORTEX_A57, new VgicModelFactory() {
            @Override
            public boolean hasRegister(int version, RegisterSpace space, long offset) {
                return false;
            }

            @Override
            public VgicModel create(int version, int interruptCount, List<Cpu> cpus) {
                gic = new GicV3(cpus.size());
                cpu = cpus.getFirst();
                gic.connect(0, cpu);
                for (MmioWindow w : gic.mmioWindows()) {
                    gicMemory.addMmio(w.name(), w.base(), w.size(), w.handler());
                }
                return new VgicModel() {
                    @Override
                    public void map(VgicLayout layout, PhysicalMemory memory) {
                    }

                    @Override
                    public int readRegister(RegisterSpace space, Cpu c, long offset) {
                        throw new IllegalStateException();
                    }

                    @Override
                    public void writeRegister(RegisterSpace space, Cpu c, long offset, int value) {
                        throw new IllegalStateException();
                    }

                    @Override
                    public IrqForwarding irqForwarding() {
                        return gic;
                    }

                    @Override
                    public void close() {
                        gicMemory.close();
                    }
                };
            }
        });
        vm.createVcpu(0);
        Device v = vm.createDevice(DeviceType.ARM_VGIC_V3);
        v.setAttr(Vgic.GRP_ADDR, Vgic.V3_ADDR_TYPE_DIST, GICD);
        v.setAttr(Vgic.GRP_ADDR, Vgic.V3_ADDR_TYPE_REDIST_REGION, Vgic.redistRegion(1, 0x080A_0000L, 0, 0));
        v.setAttr(Vgic.GRP_NR_IRQS, 0, 256L);
        v.setAttr(Vgic.GRP_CTRL, Vgic.CTRL_INIT, null);
        kvmVfio = (KvmVfioDevice) vm.createDevice(DeviceType.KVM_VFIO);
        // The guest's GIC driver: Group 1 on, SPIs 32-63 Group 1 and enabled, redistributor awake, PMR open.
        gicWrite(GICD, 2);
        gicWrite(0x080A_0000L + 0x14, 0);
        gicWrite(GICD + 0x84, 0xffff_ffff);
        gicWrite(GICD + 0x104, 0xffff_ffff);
        gic.cpuInterface(0).writeSysReg(cpu, ICC_PMR_EL1, 0xff);
        gic.cpuInterface(0).writeSysReg(cpu, ICC_IGRPEN1_EL1, 1);
        // The guest's timer driver: one event per tick.
        timer.writeRegister(HostTimer.PERIOD, 1);
        timer.writeRegister(HostTimer.CTRL, 1);
    }

    private void gicWrite(long pa, int value) {
        BusMaster.set(0);
        try {
            gicMemory.write(pa, 4, value & 0xffff_ffffL);
        } finally {
            BusMaster.set(BusMaster.NONE);
        }
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
