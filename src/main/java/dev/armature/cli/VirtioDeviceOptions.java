package dev.armature.cli;

import dev.armature.machine.VirtConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves {@code -drive} and the {@code -device virtio-blk-device / virtio-rng-device} options into the
 * board's virtio-mmio devices, with QEMU's spellings:
 * <ul>
 *   <li>{@code -drive file=F[,format=raw][,if=none|virtio][,id=ID][,readonly=on|off][,media=disk]}: the
 *       {@code virt} board's default interface is {@code virtio};</li>
 *   <li>{@code -device virtio-blk-device,drive=ID[,serial=S][,id=..]} attaches an {@code if=none} drive;</li>
 *   <li>{@code -device virtio-rng-device[,id=..]}.</li>
 * </ul>
 * Devices come in command-line order, then the {@code if=virtio} drives. QEMU puts an {@code if=virtio}
 * drive on a virtio-blk-pci device; Armature has no virtio-pci transport and uses a virtio-mmio slot instead (the
 * guest sees /dev/vda either way).
 */
final class VirtioDeviceOptions {
    private VirtioDeviceOptions() {
    }

    private record Drive(String id, Path file, boolean readOnly, boolean virtioInterface) {
    }

    static List<VirtConfig.VirtioDeviceConfig> parse(List<String> drives, List<String> devices) throws CliError {
        Map<String, Drive> byId = new LinkedHashMap<>();
        List<Drive> automatic = new ArrayList<>();
        for (String d : drives) {
            Drive drive = drive(d);
            if (drive.virtioInterface()) {
                automatic.add(drive);
            }
            if (drive.id() != null && byId.put(drive.id(), drive) != null) {
                throw new CliError("-drive id=" + drive.id() + ": duplicate drive id");
            }
        }
        List<VirtConfig.VirtioDeviceConfig> out = new ArrayList<>();
        List<String> attached = new ArrayList<>();
        for (String spec : devices) {
            Map<String, String> o = QemuOpts.parse("-device", spec, "driver");
            switch (o.get("driver")) {
                case "virtio-blk-device" -> {
                    String driveId = null;
                    String serial = null;
                    for (Map.Entry<String, String> e : o.entrySet()) {
                        switch (e.getKey()) {
                            case "driver", "id" -> { }
                            case "drive" -> driveId = e.getValue();
                            case "serial" -> serial = e.getValue();
                            default -> throw new CliError("-device virtio-blk-device: unsupported property '"
                                    + e.getKey() + "' (supported: drive, serial, id)");
                        }
                    }
                    if (driveId == null) {
                        throw new CliError("-device virtio-blk-device: drive property not set", 2);
                    }
                    Drive drive = byId.get(driveId);
                    if (drive == null) {
                        throw new CliError("-device virtio-blk-device: drive '" + driveId + "' not found "
                                + "(give it with -drive ...,if=none,id=" + driveId + ")");
                    }
                    if (drive.virtioInterface() || attached.contains(driveId)) {
                        throw new CliError("-device virtio-blk-device: drive '" + driveId + "' is already in use"
                                + (drive.virtioInterface() ? " (if=virtio attaches it by itself; use if=none)"
                                : " by another device"));
                    }
                    attached.add(driveId);
                    out.add(new VirtConfig.Block(drive.file(), drive.readOnly(), serial));
                }
                case "virtio-rng-device" -> {
                    for (String k : o.keySet()) {
                        if (!k.equals("driver") && !k.equals("id")) {
                            throw new CliError("-device virtio-rng-device: unsupported property '" + k
                                    + "' (the host's SecureRandom is the only backend)");
                        }
                    }
                    out.add(new VirtConfig.Rng());
                }
                default -> { } // other drivers: Main
            }
        }
        for (Drive d : automatic) {
            out.add(new VirtConfig.Block(d.file(), d.readOnly(), null));
        }
        return out;
    }

    private static Drive drive(String spec) throws CliError {
        Map<String, String> o = QemuOpts.parse("-drive", spec, null);
        String file = null;
        String id = null;
        boolean readOnly = false;
        boolean virtio = true;
        for (Map.Entry<String, String> e : o.entrySet()) {
            String v = e.getValue();
            switch (e.getKey()) {
                case "file" -> file = v;
                case "id" -> id = v;
                case "readonly" -> readOnly = QemuOpts.bool("-drive", "readonly", v);
                case "format" -> {
                    if (!v.equals("raw")) {
                        throw new CliError("-drive format=" + v + ": only raw images are supported");
                    }
                }
                case "if" -> virtio = switch (v) {
                    case "virtio" -> true;
                    case "none" -> false;
                    default -> throw new CliError("-drive if=" + v + ": the virt board has no such interface "
                            + "(virtio or none)");
                };
                case "media" -> {
                    if (!v.equals("disk")) {
                        throw new CliError("-drive media=" + v + ": only disks are supported");
                    }
                }
                default -> throw new CliError("-drive: unsupported property '" + e.getKey()
                        + "' (supported: file, format=raw, if=none|virtio, id, readonly, media=disk)");
            }
        }
        if (file == null || file.isEmpty()) {
            throw new CliError("-drive " + spec + ": file= is required (Armature has no empty drives)", 2);
        }
        return new Drive(id, Path.of(file), readOnly, virtio);
    }
}
