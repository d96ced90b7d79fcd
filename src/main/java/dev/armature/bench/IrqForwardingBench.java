package dev.armature.bench;

import static dev.armature.devices.gic.IccRegisters.ICC_EOIR1_EL1;
import static dev.armature.devices.gic.IccRegisters.ICC_IAR1_EL1;
import static dev.armature.devices.gic.IccRegisters.ICC_IGRPEN1_EL1;
import static dev.armature.devices.gic.IccRegisters.ICC_PMR_EL1;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.CpuMemory;
import dev.armature.arch.aarch64.CpuModel;
import dev.armature.devices.gic.GicCpuInterface;
import dev.armature.devices.gic.GicV3;
import dev.armature.devices.gic.MmioWindow;
import dev.armature.host.HostInterruptController;
import dev.armature.host.HostTimer;
import dev.armature.memory.BusMaster;
import dev.armature.memory.PhysicalMemory;
import dev.armature.vfio.UserspaceIrqRoute;
import dev.armature.vfio.Vfio;
import dev.armature.vm.GicIrqChip;
import dev.armature.vm.KvmVfioDevice;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Benchmark (not a test) of an assigned device's interrupt round trip, forwarded versus routed through the VMM:
 * a host timer raises one event, the host interrupt reaches a GICv3 SPI (through VFIO's handler and the VMM's
 * route, or bound in the vGIC by KVM-VFIO), the guest side acknowledges it through ICC_IAR1_EL1, acknowledges the
 * event at the device and EOIs (which, forwarded, deactivates the host interrupt; through the VMM, runs the
 * resampler). Prints VMM exits per interrupt and host CPU time per interrupt (this thread's CPU time, which is
 * all of the work: the round trip is synchronous). A VMM exit here is a call into the VMM's code, not a context
 * switch, so the CPU figure is the work of the paths; the exit count is what a real VMM would pay a world switch
 * for.
 *
 * <p>Usage: {@code bench/run irq [N [ROUNDS]]} (default 200000 interrupts, 5 measured rounds per mode after 2
 * warm-up rounds).
 */
@Command(name = "bench/run irq", description = "An assigned device's interrupt round trip, forwarded by KVM-VFIO "
        + "versus routed through the VMM: VMM exits and host CPU time per interrupt.")
public final class IrqForwardingBench extends BenchCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "N",
            description = "interrupt round trips per round (default ${DEFAULT-VALUE})")
    int interrupts = 200_000;

    @Parameters(index = "1", arity = "0..1", paramLabel = "ROUNDS",
            description = "measured rounds per mode, after 2 warm-up rounds (default ${DEFAULT-VALUE})")
    int rounds = 5;

    public static void main(String[] args) {
        main(new IrqForwardingBench(), args);
    }

    @Override
    void check() {
        requireAtLeast("N", interrupts, 1);
        requireAtLeast("ROUNDS", rounds, 1);
    }

    @Override
    int run() {
        Rig rig = new Rig();
        System.out.printf(Locale.ROOT, "%d interrupt round trips per round, %d rounds per mode (GICv3, one host "
                + "timer)%n", interrupts, rounds);
        rig.measure("through the VMM", false, interrupts, rounds);
        rig.measure("forwarded", true, interrupts, rounds);
        return 0;
    }

    /** A GICv3 with one vCPU's interface, a host timer assigned through VFIO, and both ways of routing its line. */
    private static final class Rig {
        private static final long GICD = 0x0800_0000L;
        private static final long GICR = 0x080A_0000L;
        private static final int GSI = 40;
        /** QEMU virt's GICv3 interrupt count. */
        private static final int INTERRUPTS = 256;

        private final PhysicalMemory memory = new PhysicalMemory();
        private final GicV3 gic = new GicV3(List.of(new GicV3.CpuId(0, 0)), INTERRUPTS);
        private final Cpu cpu;
        private final GicCpuInterface icc;
        private final HostTimer timer;
        private final Vfio vfio = new Vfio();
        private final int fd;
        private final GicIrqChip chip;
        private final KvmVfioDevice kvmVfio;

        Rig() {
            memory.addRam("ram", 0x4000_0000L, 0x1000);
            cpu = new Cpu(0, CpuModel.CORTEX_A57, new CpuMemory(memory));
            gic.connect(0, cpu);
            for (MmioWindow w : gic.mmioWindows(GICD, List.of(new GicV3.RedistributorPlacement(GICR, true)))) {
                memory.addMmio(w.name(), w.base(), w.size(), w.handler());
            }
            icc = gic.cpuInterface(0);
            // The guest's GIC driver: Group 1 on, SPIs 32-63 Group 1 and enabled, redistributor awake, PMR open.
            gicWrite(GICD, 2);
            gicWrite(GICR + 0x14, 0);
            gicWrite(GICD + 0x84, 0xffff_ffff);
            gicWrite(GICD + 0x104, 0xffff_ffff);
            icc.writeSysReg(cpu, ICC_PMR_EL1, 0xff);
            icc.writeSysReg(cpu, ICC_IGRPEN1_EL1, 1);
            HostInterruptController host = new HostInterruptController(1);
            timer = new HostTimer("timer0", host.line(0));
            timer.writeRegister(HostTimer.CTRL, HostTimer.CTRL_ENABLE);
            fd = vfio.open(timer);
            chip = new GicIrqChip(gic, INTERRUPTS - 32);
            kvmVfio = new KvmVfioDevice(chip, this);
        }

        private void measure(String label, boolean forward, int interrupts, int rounds) {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            UserspaceIrqRoute route = null;
            KvmVfioDevice.ForwardedIrq irq = new KvmVfioDevice.ForwardedIrq(fd, 0, 0, GSI);
            if (forward) {
                kvmVfio.forwardIrq(vfio, irq);
            } else {
                route = new UserspaceIrqRoute(chip, vfio.device(fd), 0, GSI);
            }
            for (int i = 0; i < 2; i++) {
                roundTrips(interrupts);
            }
            long exits0 = route == null ? 0 : route.exits();
            long cpu0 = threads.getCurrentThreadCpuTime();
            long n = 0;
            for (int i = 0; i < rounds; i++) {
                n += roundTrips(interrupts);
            }
            long cpuNanos = threads.getCurrentThreadCpuTime() - cpu0;
            long exits = route == null ? 0 : route.exits() - exits0;
            System.out.printf(Locale.ROOT,
                    "%-16s %.2f VMM exits/interrupt  %7.0f ns host CPU/interrupt  (%d interrupts)%n", label,
                    (double) exits / n, (double) cpuNanos / n, n);
            if (forward) {
                kvmVfio.unforwardIrq(vfio, irq);
            } else {
                route.close();
            }
        }

        /** {@code count} interrupts, each from one event; returns how many the guest took (checked = count). */
        private long roundTrips(int count) {
            long taken = 0;
            for (int i = 0; i < count; i++) {
                timer.tick(1);
                int intid = (int) icc.readSysReg(cpu, ICC_IAR1_EL1);
                if (intid != GSI) {
                    throw new IllegalStateException("expected INTID " + GSI + ", acknowledged " + intid);
                }
                int events = timer.readRegister(HostTimer.EVENTS);
                timer.writeRegister(HostTimer.EVENTS, events);
                icc.writeSysReg(cpu, ICC_EOIR1_EL1, intid);
                taken += events;
            }
            if (taken != count) {
                throw new IllegalStateException(count + " events raised, " + taken + " handled");
            }
            return taken;
        }

        private void gicWrite(long pa, int value) {
            BusMaster.set(0);
            try {
                memory.write(pa, 4, value & 0xffff_ffffL);
            } finally {
                BusMaster.set(BusMaster.NONE);
            }
        }
    }
}
