package dev.armature.machine;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.loader.KernelImage;
import dev.armature.machine.fdt.Fdt;
import dev.armature.machine.fdt.FdtNode;
import dev.armature.testutil.Tools;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Compares our device tree with the one qemu-system-aarch64 dumps for the same configuration, node by node, for
 * the hardware Armature models; every difference is reported.
 */
class VirtDeviceTreeQemuTest {
    /** QEMU nodes for hardware Armature does not model (yet), left out of our tree on purpose. */
    private static final List<String> NOT_MODELLED = List.of("/flash@", "/intc@8000000/v2m@",
            "/intc@8000000/its@", "/fw-cfg@", "/pl061@", "/gpio-keys", "/pmu");
    /** Properties that point at unmodelled hardware: the PCIe host's MSI routing goes to the v2m frame or ITS. */
    private static final Set<String> NOT_MODELLED_PROPERTIES = Set.of("/pcie@10000000 msi-map");
    /** Random per boot; phandles are compared through what refers to them. */
    private static final Set<String> IGNORED_PROPERTIES = Set.of("rng-seed", "kaslr-seed", "phandle");
    private static final Set<String> PHANDLE_PROPERTIES = Set.of("clocks", "cpu", "interrupt-parent");

    @ParameterizedTest(name = "smp={0} gic={1} linux-boot={2} virtualization={3}")
    @CsvSource({"1,2,false,false", "2,2,true,false", "4,3,false,false", "8,2,true,false", "20,3,true,false",
        "2,2,false,true", "8,2,true,true"})
    void matchesQemu(int smp, int gic, boolean linuxBoot, boolean virtualization, @TempDir Path dir)
            throws Exception {
        Assumptions.assumeTrue(Tools.available("qemu-system-aarch64"),
                "qemu-system-aarch64 is not installed: cannot compare device trees with QEMU");
        Path kernel = dir.resolve("k.bin");
        Files.write(kernel, new byte[] {0, 0, 0, 0x14}); // b . (a raw image)
        Path initrd = dir.resolve("initrd");
        Files.write(initrd, new byte[12345]);
        Path qemuDtb = dir.resolve("qemu.dtb");

        String machine = "virt,dumpdtb=" + qemuDtb + ",gic-version=" + gic + ",virtualization="
                + (virtualization ? "on" : "off");
        List<String> cmd = Tools.list("qemu-system-aarch64", "-M", machine, "-cpu", "cortex-a57", "-m", "128M",
                "-smp", String.valueOf(smp), "-display", "none", "-nodefaults");
        if (linuxBoot) {
            cmd.addAll(List.of("-kernel", kernel.toString(), "-initrd", initrd.toString(), "-append",
                    "console=ttyAMA0 earlycon"));
        }
        Tools.Result r = Tools.run(cmd.toArray(String[]::new));
        assertEquals(0, r.exit(), r.stderr());

        VirtConfig cfg = new VirtConfig(128L << 20, smp, CpuModel.CORTEX_A57, gic, virtualization, 1,
                VirtConfig.VirtioSerial.NONE, VirtConfig.Dma.NONE);
        VirtBoard.Boot boot = linuxBoot
                ? new VirtBoard.Boot(KernelImage.identify(Files.readAllBytes(kernel)), Files.readAllBytes(initrd),
                "console=ttyAMA0 earlycon", null)
                : new VirtBoard.Boot(KernelImage.identify(Files.readAllBytes(kernel)), null, null, null);
        byte[] ours;
        try (VirtBoard board = new VirtBoard(cfg, boot, null, false, DebugLog.OFF)) {
            ours = board.deviceTreeBlob();
        }

        assertEquals(Files.size(qemuDtb), ours.length, "blob size (QEMU pads to 1 MiB)");
        List<String> differences = compare(Fdt.decode(ours).root(), Fdt.decode(Files.readAllBytes(qemuDtb)).root());
        assertTrue(differences.isEmpty(), "differences from QEMU:\n  " + String.join("\n  ", differences));
    }

    private static List<String> compare(FdtNode ours, FdtNode qemu) {
        Map<String, FdtNode> o = flatten(ours);
        Map<String, FdtNode> q = flatten(qemu);
        Map<Integer, String> oPh = phandles(o);
        Map<Integer, String> qPh = phandles(q);
        List<String> diffs = new ArrayList<>();
        for (String path : q.keySet()) {
            if (!o.containsKey(path) && NOT_MODELLED.stream().noneMatch(path::startsWith)) {
                diffs.add("node " + path + " is missing from ours");
            }
        }
        for (Map.Entry<String, FdtNode> e : o.entrySet()) {
            String path = e.getKey();
            FdtNode qn = q.get(path);
            if (qn == null) {
                diffs.add("node " + path + " is ours only");
                continue;
            }
            FdtNode on = e.getValue();
            Set<String> names = new java.util.TreeSet<>(on.properties().keySet());
            names.addAll(qn.properties().keySet());
            for (String p : names) {
                if (IGNORED_PROPERTIES.contains(p) || NOT_MODELLED_PROPERTIES.contains(path + " " + p)) {
                    continue;
                }
                String ov = value(p, on.property(p), oPh);
                String qv = value(p, qn.property(p), qPh);
                if (!ov.equals(qv)) {
                    diffs.add(path + " " + p + ": ours " + ov + ", QEMU " + qv);
                }
            }
        }
        return diffs;
    }

    private static String value(String name, byte[] v, Map<Integer, String> phandles) {
        if (v == null) {
            return "(absent)";
        }
        if (name.equals("interrupt-map")) {
            // PCI interrupt-map entries: 3 address cells, 1 pin cell, the parent phandle, 2 + 3 parent cells.
            List<String> cells = new ArrayList<>();
            for (int i = 0; i + 4 <= v.length; i += 4) {
                int cell = java.nio.ByteBuffer.wrap(v, i, 4).getInt();
                cells.add(i / 4 % 10 == 4 ? phandles.getOrDefault(cell, "?") : Integer.toHexString(cell));
            }
            return cells.toString();
        }
        if (PHANDLE_PROPERTIES.contains(name)) {
            List<String> refs = new ArrayList<>();
            for (int i = 0; i + 4 <= v.length; i += 4) {
                refs.add(phandles.getOrDefault(java.nio.ByteBuffer.wrap(v, i, 4).getInt(), "?"));
            }
            return refs.toString();
        }
        return "[" + HexFormat.of().formatHex(v) + "]";
    }

    private static Map<String, FdtNode> flatten(FdtNode root) {
        Map<String, FdtNode> out = new LinkedHashMap<>();
        walk(root, "", out);
        return out;
    }

    private static void walk(FdtNode n, String path, Map<String, FdtNode> out) {
        out.put(path.isEmpty() ? "/" : path, n);
        for (FdtNode c : n.children()) {
            walk(c, path + "/" + c.name(), out);
        }
    }

    private static Map<Integer, String> phandles(Map<String, FdtNode> nodes) {
        Map<Integer, String> m = new LinkedHashMap<>();
        nodes.forEach((path, n) -> {
            byte[] ph = n.property("phandle");
            if (ph != null) {
                m.put(java.nio.ByteBuffer.wrap(ph).getInt(), path);
            }
        });
        return m;
    }
}
