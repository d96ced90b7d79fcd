package dev.armature.vm;

import static dev.armature.vm.Errno.EEXIST;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.GenericTimer;
import dev.armature.arch.aarch64.SyncException;
import dev.armature.arch.aarch64.SysReg;
import dev.armature.devices.gic.GicCpuInterface;
import dev.armature.devices.gic.GicFrame;
import dev.armature.devices.gic.GicV2;
import dev.armature.devices.gic.GicV3;
import dev.armature.devices.gic.IccRegisters;
import dev.armature.devices.gic.InterruptController;
import dev.armature.devices.gic.IrqForwarding;
import dev.armature.devices.gic.MmioWindow;
import dev.armature.memory.PhysicalMemory;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code devices.gic} models behind the vGIC contract: a {@link GicV2} or {@link GicV3} for the VM's vCPUs
 * (processor number = vCPU id, affinity = the vCPU's MPIDR) with the configured interrupt count, its frames
 * mapped where userspace placed them, each vCPU's Cpu connected to it — interrupt lines, ICC_* system
 * registers (GICv3) and the generic timer's PPIs, as KVM's in-kernel vGIC and arch timer are — and its SPI
 * lines and forwarding interface behind KVM_IRQ_LINE, KVM_IRQFD and KVM-VFIO.
 */
public final class GicModels implements VgicModelFactory {
    /** The factory; it keeps no state (each model is its own). */
    public static final GicModels INSTANCE = new GicModels();

    private static final int[] TIMER_INTIDS = {GenericTimer.INTID_PHYSICAL, GenericTimer.INTID_VIRTUAL,
        GenericTimer.INTID_HYP};

    private GicModels() {
    }

    @Override
    public boolean hasRegister(int version, RegisterSpace space, long offset) {
        GicFrame frame = frame(space);
        return version == 2 ? GicV2.implementsRegister(frame, offset) : GicV3.implementsRegister(frame, offset);
    }

    @Override
    public VgicModel create(int version, int interruptCount, List<Vcpu> vcpus) {
        InterruptController gic;
        if (version == 2) {
            gic = new GicV2(vcpus.size(), interruptCount);
        } else {
            List<GicV3.CpuId> ids = vcpus.stream().map(v -> new GicV3.CpuId(v.id(), v.mpidrAffinity())).toList();
            gic = new GicV3(ids, interruptCount);
        }
        Model model = new Model(gic);
        for (Vcpu v : vcpus) {
            model.connect(v.index(), v.cpu(), null);
        }
        return model;
    }

    private static GicFrame frame(RegisterSpace space) {
        return switch (space) {
            case DISTRIBUTOR -> GicFrame.DISTRIBUTOR;
            case REDISTRIBUTOR -> GicFrame.REDISTRIBUTOR;
            case CPU_INTERFACE -> GicFrame.CPU_INTERFACE;
        };
    }

    /** One VM's GIC. */
    private static final class Model implements VgicModel {
        private final InterruptController gic;

        Model(InterruptController gic) {
            this.gic = gic;
        }

        @Override
        public void map(VgicLayout layout, PhysicalMemory memory) {
            List<MmioWindow> windows;
            if (gic instanceof GicV2 v2) {
                windows = v2.mmioWindows(layout.distributorBase(), layout.cpuInterfaceBase());
            } else {
                List<GicV3.RedistributorPlacement> rds = layout.redistributors().stream()
                        .map(r -> new GicV3.RedistributorPlacement(r.base(), r.last())).toList();
                windows = ((GicV3) gic).mmioWindows(layout.distributorBase(), rds);
            }
            List<MmioWindow> added = new ArrayList<>();
            try {
                for (MmioWindow w : windows) {
                    memory.addMmio(w.name(), w.base(), w.size(), w.handler());
                    added.add(w);
                }
            } catch (IllegalArgumentException e) {
                // KVM would let a memory slot shadow the frame; here a frame and RAM cannot share addresses.
                added.forEach(w -> memory.remove(w.name()));
                throw new KvmException(EEXIST, "a vGIC frame overlaps guest memory: " + e.getMessage());
            }
        }

        @Override
        public void connect(int vcpuIndex, Cpu fresh, Cpu previous) {
            if (previous != null) {
                previous.sys.timer.setListener(null);
            }
            for (int intid : TIMER_INTIDS) {
                gic.setPrivateLevel(vcpuIndex, intid, false); // the fresh Cpu's timers start disabled
            }
            GicCpuInterface icc = gic.cpuInterface(vcpuIndex);
            if (icc.hasSystemRegisters()) {
                for (IccRegisters.Register r : IccRegisters.ALL) {
                    int key = r.key();
                    SysReg.Access access = r.el2() ? GicModels::el2Only : (cpu, k, read) -> { };
                    fresh.sys.install(new SysReg(r.name(), key, r.el2(), access,
                            r.readable() ? cpu -> icc.readSysReg(cpu, key) : null,
                            r.writable() ? (cpu, v) -> icc.writeSysReg(cpu, key, v) : null));
                }
                fresh.sys.setGicSystemRegisters(true);
            }
            fresh.sys.timer.setListener((intid, asserted) -> gic.setPrivateLevel(vcpuIndex, intid, asserted));
            gic.connect(vcpuIndex, fresh);
        }

        @Override
        public int readRegister(RegisterSpace space, int vcpuIndex, long offset) {
            return gic.readRegister(frame(space), vcpuIndex, (int) offset);
        }

        @Override
        public void writeRegister(RegisterSpace space, int vcpuIndex, long offset, int value) {
            gic.writeRegister(frame(space), vcpuIndex, (int) offset, value);
        }

        @Override
        public InterruptController interruptController() {
            return gic;
        }

        @Override
        public IrqForwarding irqForwarding() {
            return gic;
        }

        @Override
        public void close() {
            // The frames go with the VM's memory; the model holds nothing else.
        }
    }

    /** Access check of the GIC's EL2 registers (ICC_SRE_EL2, ICH_HCR_EL2): UNDEFINED below EL2. */
    private static void el2Only(Cpu cpu, int key, boolean read) {
        if (cpu.el < 2) {
            throw SyncException.undefined(cpu.pc);
        }
    }
}
