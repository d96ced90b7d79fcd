package dev.armature.machine;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.devices.gic.GicV2;
import dev.armature.devices.gic.GicV3;

import java.nio.file.Path;
import java.util.List;

/**
 * The configuration of a {@code virt} board, as the command line gives it.
 *
 * @param ramSize            bytes of RAM at {@link VirtMemoryMap#RAM_BASE}
 * @param smp                number of vCPUs
 * @param cpuModel           the {@code -cpu} model
 * @param gicVersion         2 or 3: the interrupt controller
 * @param virtualization     EL2 present and the kernel entered at EL2 ({@code -machine virtualization=on})
 * @param virtioMmioVersion  1 (legacy, QEMU 7.2's default) or 2 (modern)
 * @param virtioSerial       the virtio-serial device ({@code -device virtio-serial-device}) and its console
 * @param dma                the DMA test engine on the platform bus ({@code -device armature-dma[,iommu=on]})
 * @param vfio               host devices assigned to the guest, in order on the platform bus after the DMA engine
 *                           ({@code -device vfio-platform,host=NAME[,forward=on|off]})
 * @param pciTestdev         QEMU's {@code pci-testdev} in PCI slot 1 ({@code -device pci-testdev})
 * @param virtioDevices      the other virtio-mmio devices, in command-line order (they take the slots below
 *                           the virtio-serial device's, from the top down, as in QEMU)
 */
public record VirtConfig(long ramSize, int smp, CpuModel cpuModel, int gicVersion, boolean virtualization,
                         int virtioMmioVersion, VirtioSerial virtioSerial, Dma dma, List<VfioAssignment> vfio,
                         boolean pciTestdev, List<VirtioDeviceConfig> virtioDevices) {
    /** A virtio-mmio device from {@code -device} or {@code -drive}. */
    public sealed interface VirtioDeviceConfig {
    }

    /**
     * {@code -device virtio-blk-device,drive=ID} on {@code -drive file=F,format=raw,if=none,id=ID}, or
     * {@code -drive file=F,if=virtio}.
     *
     * @param image    the raw disk image
     * @param readOnly {@code readonly=on}: the guest sees a read-only disk and the file is opened for reading
     * @param serial   the {@code serial=} the guest reads with GET_ID, or null
     */
    public record Block(Path image, boolean readOnly, String serial) implements VirtioDeviceConfig {
    }

    /** {@code -device virtio-rng-device}: host entropy for the guest. */
    public record Rng() implements VirtioDeviceConfig {
    }

    /**
     * One {@code -device vfio-platform}: the host device called {@code host}, its interrupt forwarded to the vGIC
     * ({@code forward=on}) or routed through the VMM ({@code forward=off}) at start.
     */
    public record VfioAssignment(String host, boolean forward) {
        /** Checks that the host device is named. */
        public VfioAssignment {
            if (host == null || host.isEmpty()) {
                throw new IllegalArgumentException("-device vfio-platform: host= names the host device to assign");
            }
        }
    }

    /** Whether a virtio console is present, and what its port is connected to. */
    public enum VirtioSerial {
        /** No virtio-serial device. */
        NONE,
        /** A virtio-serial device whose console port has no backend: output is discarded. */
        UNCONNECTED,
        /** kvm-unit-tests' exit channel: a virtconsole on a {@code testdev} chardev. */
        TESTDEV
    }

    /** Whether the DMA test engine is present, and how its device addresses reach guest RAM. */
    public enum Dma {
        /** No DMA engine. */
        NONE,
        /** {@code iommu=off}: device addresses are guest physical addresses (a one-to-one VCM over RAM). */
        DIRECT,
        /** {@code iommu=on}: device addresses go through an SMMU context that maps guest RAM at an offset. */
        IOMMU
    }

    /** CPUs a GICv2 can address (its target lists are 8 bits wide). */
    public static final int MAX_CPUS_GICV2 = GicV2.MAX_CPUS;
    /** CPUs QEMU 7.2's virt supports with GICv3 (two redistributor regions). */
    public static final int MAX_CPUS_GICV3 = GicV3.MAX_CPUS;

    /** Checks the configuration; IllegalArgumentException naming what is out of range. */
    public VirtConfig {
        if (ramSize <= 0 || ramSize > VirtMemoryMap.MAX_RAM_SIZE || (ramSize & 0xfff) != 0) {
            throw new IllegalArgumentException("RAM size must be a non-zero multiple of 4 KiB up to 255 GiB");
        }
        if (gicVersion != 2 && gicVersion != 3) {
            throw new IllegalArgumentException("gic-version must be 2 or 3");
        }
        int max = gicVersion == 2 ? MAX_CPUS_GICV2 : MAX_CPUS_GICV3;
        if (smp < 1 || smp > max) {
            throw new IllegalArgumentException("-smp " + smp + ": the virt board with GICv" + gicVersion
                    + " supports 1 to " + max + " CPUs");
        }
        if (virtioSerial == null || dma == null || vfio == null || virtioDevices == null) {
            throw new IllegalArgumentException("virtioSerial, dma, vfio and virtioDevices must not be null");
        }
        vfio = List.copyOf(vfio);
        if (vfio.stream().map(VfioAssignment::host).distinct().count() != vfio.size()) {
            throw new IllegalArgumentException("-device vfio-platform: a host device can be assigned only once");
        }
        if (dma == Dma.IOMMU && ramSize < 1 << 20) {
            throw new IllegalArgumentException("-device armature-dma,iommu=on: the SMMU maps RAM in whole MiB; "
                    + "give the board at least 1 MiB");
        }
        if (virtioMmioVersion != 1 && virtioMmioVersion != 2) {
            throw new IllegalArgumentException("virtio-mmio version must be 1 or 2");
        }
        int slots = VirtMemoryMap.VIRTIO_COUNT - (virtioSerial == VirtioSerial.NONE ? 0 : 1);
        if (virtioDevices.size() > slots) {
            throw new IllegalArgumentException("the virt board has " + VirtMemoryMap.VIRTIO_COUNT
                    + " virtio-mmio slots; " + (virtioDevices.size() - slots) + " device(s) too many");
        }
        virtioDevices = List.copyOf(virtioDevices);
    }

    /** A board without block or entropy devices. */
    public VirtConfig(long ramSize, int smp, CpuModel cpuModel, int gicVersion, boolean virtualization,
                      int virtioMmioVersion, VirtioSerial virtioSerial, Dma dma, List<VfioAssignment> vfio,
                      boolean pciTestdev) {
        this(ramSize, smp, cpuModel, gicVersion, virtualization, virtioMmioVersion, virtioSerial, dma, vfio,
                pciTestdev, List.of());
    }

    /** A board without assigned host devices, pci-testdev, block or entropy devices. */
    public VirtConfig(long ramSize, int smp, CpuModel cpuModel, int gicVersion, boolean virtualization,
                      int virtioMmioVersion, VirtioSerial virtioSerial, Dma dma) {
        this(ramSize, smp, cpuModel, gicVersion, virtualization, virtioMmioVersion, virtioSerial, dma, List.of(),
                false);
    }

    /** The CPU model as the vCPUs run it: with EL2 exactly when virtualization is on. */
    public CpuModel effectiveCpuModel() {
        return cpuModel.withEl2(virtualization);
    }

    /** QEMU's {@code -machine virt} defaults: 128 MiB, one Cortex-A57, GICv2, no EL2, no devices. */
    public static VirtConfig defaults() {
        return new VirtConfig(VirtMemoryMap.DEFAULT_RAM_SIZE, 1, CpuModel.CORTEX_A57, 2, false, 1, VirtioSerial.NONE,
                Dma.NONE);
    }
}
