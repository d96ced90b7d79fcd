package dev.armature.cli;

import dev.armature.host.HostPlatform;
import dev.armature.machine.VirtConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code -chardev} and {@code -device} options for the board's non-virtio-block devices: the virtio-serial
 * console kvm-unit-tests uses, QEMU's pci-testdev, Armature's DMA test engine and assigned host devices
 * (vfio-platform). Each reads the whole {@code -device} list and picks its own drivers; {@link #virtioSerial}
 * also refuses drivers nobody models. virtio-blk and virtio-rng are {@link VirtioDeviceOptions}' business.
 */
final class PlatformDeviceOptions {
    private PlatformDeviceOptions() {
    }

    /** Resolves -chardev testdev, virtio-serial-device and virtconsole into the console kvm-unit-tests uses. */
    static VirtConfig.VirtioSerial virtioSerial(List<String> chardevs, List<String> devices) throws CliError {
        List<String> testdevIds = new ArrayList<>();
        for (String c : chardevs) {
            Map<String, String> o = QemuOpts.parse("-chardev", c, "backend");
            String backend = o.get("backend");
            if (!"testdev".equals(backend)) {
                throw new CliError("-chardev " + backend + ": unsupported chardev backend (only testdev)");
            }
            for (String k : o.keySet()) {
                if (!k.equals("backend") && !k.equals("id")) {
                    throw new CliError("-chardev testdev: unsupported property '" + k + "'");
                }
            }
            if (o.get("id") == null) {
                throw new CliError("-chardev testdev: an id= is required", 2);
            }
            testdevIds.add(o.get("id"));
        }
        int serialBuses = 0;
        String consoleChardev = null;
        int consoles = 0;
        for (String d : devices) {
            Map<String, String> o = QemuOpts.parse("-device", d, "driver");
            String driver = o.get("driver");
            switch (driver) {
                case "help" -> throw new CliError("supported devices: virtio-blk-device,drive=ID[,serial=S], "
                        + "virtio-rng-device, virtio-serial-device, virtconsole,chardev=ID, pci-testdev, "
                        + "armature-dma[,iommu=on|off] (Armature's DMA test engine), "
                        + "vfio-platform,host=NAME[,forward=on|off] (assigns a device of the modelled host: "
                        + String.join(", ", HostPlatform.STANDARD_DEVICES) + ")", 0);
                case "armature-dma" -> { } // dma
                case "pci-testdev" -> { } // pciTestdev
                case "vfio-platform" -> { } // vfio
                case "virtio-blk-device", "virtio-rng-device" -> { } // VirtioDeviceOptions
                case "virtio-serial-device" -> {
                    serialBuses++;
                    for (String k : o.keySet()) {
                        if (!k.equals("driver") && !k.equals("id")) {
                            throw new CliError("-device virtio-serial-device: unsupported property '" + k + "'");
                        }
                    }
                }
                case "virtconsole" -> {
                    consoles++;
                    for (String k : o.keySet()) {
                        if (!k.equals("driver") && !k.equals("id") && !k.equals("chardev") && !k.equals("name")) {
                            throw new CliError("-device virtconsole: unsupported property '" + k + "'");
                        }
                    }
                    consoleChardev = o.get("chardev");
                    if (consoleChardev == null) {
                        throw new CliError("-device virtconsole: chardev= is required", 2);
                    }
                    if (!testdevIds.contains(consoleChardev)) {
                        throw new CliError("-device virtconsole: chardev '" + consoleChardev + "' not found");
                    }
                }
                default -> throw new CliError("-device " + driver + ": unsupported device (supported: "
                        + "virtio-blk-device, virtio-rng-device, virtio-serial-device, virtconsole, pci-testdev, "
                        + "armature-dma, vfio-platform)");
            }
        }
        if (serialBuses > 1 || consoles > 1) {
            throw new CliError("-device: at most one virtio-serial-device with one virtconsole is supported");
        }
        if (consoles == 1 && serialBuses == 0) {
            throw new CliError("-device virtconsole: needs a virtio-serial-device (no virtio-serial bus found)");
        }
        if (serialBuses == 0) {
            return VirtConfig.VirtioSerial.NONE;
        }
        return consoles == 1 ? VirtConfig.VirtioSerial.TESTDEV : VirtConfig.VirtioSerial.UNCONNECTED;
    }

    static VirtConfig.Dma dma(List<String> devices) throws CliError {
        VirtConfig.Dma dma = VirtConfig.Dma.NONE;
        for (String d : devices) {
            Map<String, String> o = QemuOpts.parse("-device", d, "driver");
            if (!o.get("driver").equals("armature-dma")) {
                continue;
            }
            if (dma != VirtConfig.Dma.NONE) {
                throw new CliError("-device armature-dma: the platform bus holds at most one");
            }
            boolean iommu = false;
            for (Map.Entry<String, String> e : o.entrySet()) {
                switch (e.getKey()) {
                    case "driver", "id" -> { }
                    case "iommu" -> iommu = QemuOpts.bool("-device armature-dma", "iommu", e.getValue());
                    default -> throw new CliError("-device armature-dma: unsupported property '" + e.getKey()
                            + "' (supported: iommu=on|off)");
                }
            }
            dma = iommu ? VirtConfig.Dma.IOMMU : VirtConfig.Dma.DIRECT;
        }
        return dma;
    }

    /**
     * {@code -device vfio-platform,host=NAME[,forward=on|off]}: a device of the modelled host assigned to the guest,
     * its interrupt forwarded to the GIC (the default, as with KVM) or routed through the VMM.
     */
    static List<VirtConfig.VfioAssignment> vfio(List<String> devices) throws CliError {
        List<VirtConfig.VfioAssignment> assigned = new ArrayList<>();
        for (String d : devices) {
            Map<String, String> o = QemuOpts.parse("-device", d, "driver");
            if (!o.get("driver").equals("vfio-platform")) {
                continue;
            }
            String host = null;
            boolean forward = true;
            for (Map.Entry<String, String> e : o.entrySet()) {
                switch (e.getKey()) {
                    case "driver", "id" -> { }
                    case "host" -> host = e.getValue();
                    case "forward" -> forward = QemuOpts.bool("-device vfio-platform", "forward", e.getValue());
                    default -> throw new CliError("-device vfio-platform: unsupported property '" + e.getKey()
                            + "' (supported: host=NAME, forward=on|off)");
                }
            }
            if (host == null || host.isEmpty()) {
                throw new CliError("-device vfio-platform: host= is required (the modelled host has "
                        + String.join(", ", HostPlatform.STANDARD_DEVICES) + ")", 2);
            }
            if (!HostPlatform.STANDARD_DEVICES.contains(host)) {
                throw new CliError("-device vfio-platform,host=" + host + ": the host has no device '" + host
                        + "' (it has " + String.join(", ", HostPlatform.STANDARD_DEVICES) + ")");
            }
            for (VirtConfig.VfioAssignment a : assigned) {
                if (a.host().equals(host)) {
                    throw new CliError("-device vfio-platform,host=" + host + ": already assigned");
                }
            }
            assigned.add(new VirtConfig.VfioAssignment(host, forward));
        }
        return assigned;
    }

    static boolean pciTestdev(List<String> devices) throws CliError {
        boolean present = false;
        for (String d : devices) {
            Map<String, String> o = QemuOpts.parse("-device", d, "driver");
            if (!o.get("driver").equals("pci-testdev")) {
                continue;
            }
            if (present) {
                throw new CliError("-device pci-testdev: Armature models at most one");
            }
            for (String k : o.keySet()) {
                if (!k.equals("driver") && !k.equals("id")) {
                    throw new CliError("-device pci-testdev: unsupported property '" + k + "'");
                }
            }
            present = true;
        }
        return present;
    }
}
