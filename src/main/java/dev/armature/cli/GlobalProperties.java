package dev.armature.cli;

import java.util.List;
import java.util.Map;

/**
 * {@code -global DRIVER.PROP=VALUE} (or QEMU's long form {@code -global driver=D,property=P,value=V}): default
 * property values for every device of a type. Armature models one such property, {@code virtio-mmio.force-legacy}
 * (QEMU 7.2's default {@code on} presents the legacy version 1 register layout; {@code off} the virtio 1.x
 * version 2 layout, which offers VIRTIO_F_VERSION_1). Any other property is refused by name rather than ignored.
 */
final class GlobalProperties {
    /** The virtio-mmio transport version all slots present: 1 (legacy) or 2 (modern). */
    final int virtioMmioVersion;

    private GlobalProperties(int virtioMmioVersion) {
        this.virtioMmioVersion = virtioMmioVersion;
    }

    static GlobalProperties parse(List<String> specs) throws CliError {
        int version = 1;
        for (String spec : specs) {
            String[] dpv = split(spec);
            String name = dpv[0] + "." + dpv[1];
            if (!name.equals("virtio-mmio.force-legacy")) {
                throw new CliError("-global " + spec + ": property '" + name + "' is not supported (supported: "
                        + "virtio-mmio.force-legacy=on|off)", 2);
            }
            version = QemuOpts.bool("-global " + spec, "force-legacy", dpv[2]) ? 1 : 2;
        }
        return new GlobalProperties(version);
    }

    /** Driver, property and value of one {@code -global} argument. */
    private static String[] split(String spec) throws CliError {
        if (spec.startsWith("driver=")) {
            Map<String, String> o = QemuOpts.parse("-global", spec, null);
            String d = o.get("driver");
            String p = o.get("property");
            String v = o.get("value");
            if (d == null || p == null || v == null || o.size() != 3) {
                throw new CliError("-global " + spec + ": expected driver=D,property=P,value=V", 2);
            }
            return new String[] {d, p, v};
        }
        int eq = spec.indexOf('=');
        int dot = eq < 0 ? -1 : spec.lastIndexOf('.', eq);
        if (dot <= 0 || dot == eq - 1) {
            throw new CliError("-global " + spec + ": expected DRIVER.PROPERTY=VALUE", 2);
        }
        return new String[] {spec.substring(0, dot), spec.substring(dot + 1, eq), spec.substring(eq + 1)};
    }
}
