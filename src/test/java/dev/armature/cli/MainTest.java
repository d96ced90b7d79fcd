package dev.armature.cli;

import dev.armature.machine.fdt.Fdt;
import dev.armature.machine.fdt.FdtNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Command-line parsing: what is accepted, and how everything else is refused. */
class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

    private int run(String... args) {
        Main main = new Main(new ByteArrayInputStream(new byte[0]), out,
                new PrintStream(errBytes, true, StandardCharsets.UTF_8));
        return Main.run(main, args);
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    private String firstErrLine() {
        return err().lines().findFirst().orElse("");
    }

    @Test
    void version() {
        assertEquals(0, run("--version"));
        assertTrue(out.toString().startsWith("Armature "), out.toString());
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertEquals(2, run("-frobnicate"));
        assertEquals("armature: Unknown option: '-frobnicate'", firstErrLine());
        assertTrue(err().contains("Usage: armature"));
    }

    @Test
    void unimplementedQemuOptionsAreRefusedByName() {
        for (String[] args : new String[][] {{"-monitor", "stdio"}, {"-hda", "x"}}) {
            errBytes.reset();
            assertEquals(1, run(args), String.join(" ", args));
            assertEquals("armature: option " + args[0] + " is not implemented yet", firstErrLine());
        }
    }

    @Test
    void globalPropertiesOtherThanVirtioMmioForceLegacyAreRefused() {
        assertEquals(2, run("-display", "none", "-global", "virtio-blk-device.num-queues=2"));
        assertEquals("armature: -global virtio-blk-device.num-queues=2: property 'virtio-blk-device.num-queues' "
                + "is not supported (supported: virtio-mmio.force-legacy=on|off)", firstErrLine());
        errBytes.reset();
        assertEquals(2, run("-display", "none", "-global", "virtio-mmio.force-legacy=maybe"));
        assertEquals("armature: -global virtio-mmio.force-legacy=maybe: force-legacy=maybe: expected on or off",
                firstErrLine());
        errBytes.reset();
        assertEquals(2, run("-display", "none", "-global", "force-legacy"));
        assertEquals("armature: -global force-legacy: expected DRIVER.PROPERTY=VALUE", firstErrLine());
    }

    @Test
    void globalForceLegacySelectsTheVirtioMmioLayout() throws Exception {
        assertEquals(1, GlobalProperties.parse(List.of()).virtioMmioVersion);
        assertEquals(2, GlobalProperties.parse(List.of("virtio-mmio.force-legacy=off")).virtioMmioVersion);
        assertEquals(2, GlobalProperties.parse(List.of("driver=virtio-mmio,property=force-legacy,value=false"))
                .virtioMmioVersion);
        assertEquals(1, GlobalProperties.parse(List.of("virtio-mmio.force-legacy=off",
                "virtio-mmio.force-legacy=on")).virtioMmioVersion); // the last one wins, as in QEMU
    }

    @Test
    void badDebugFrontEndsAreRefusedWithReasons() {
        assertEquals(2, run("-display", "none", "-qmp", "stdio"));
        assertTrue(err().contains("armature: -qmp stdio: expected unix:PATH,server=on,wait=off or "
                + "tcp:HOST:PORT,server=on,wait=off"), err());
        errBytes.reset();
        assertEquals(2, run("-display", "none", "-qmp", "unix:x.sock,server=on,wait=on"));
        assertTrue(err().contains("wait=on is not supported"), err());
        errBytes.reset();
        assertEquals(2, run("-display", "none", "-gdb", "tcp::port"));
        assertTrue(err().contains("armature: -gdb tcp::port: expected tcp::PORT or tcp:HOST:PORT"), err());
    }

    @Test
    void badValuesAreRefusedWithReasons(@TempDir Path dir) throws Exception {
        Path k = dir.resolve("k.bin");
        Files.write(k, new byte[] {0, 0, 0, 0x14});
        String kernel = k.toString();
        assertRefused(1, "armature: -machine pc: unsupported machine type (only 'virt')", "-M", "pc", "-kernel", kernel);
        assertRefused(1, "armature: -machine secure: unsupported machine property (supported: gic-version, "
                + "virtualization, dumpdtb)", "-M", "virt,secure=on", "-kernel", kernel);
        assertRefused(2, "armature: -machine: virtualization=maybe: expected on or off",
                "-M", "virt,virtualization=maybe", "-kernel", kernel);
        assertRefused(2, "armature: -machine gic-version=4: expected 2, 3 or max", "-M", "virt,gic-version=4");
        assertRefused(1, "armature: -cpu: unknown CPU model 'cortex-a53' (available: cortex-a57, max)",
                "-cpu", "cortex-a53", "-kernel", kernel);
        assertRefused(2, "armature: -smp 9: the virt board with GICv2 supports 1 to 8 CPUs", "-smp", "9",
                "-kernel", kernel);
        assertRefused(2, "armature: -smp 513: the virt board with GICv3 supports 1 to 512 CPUs", "-smp", "513",
                "-M", "virt,gic-version=3", "-kernel", kernel);
        assertRefused(2, "armature: -m: '12X' is not a size (examples: 512M, 2G)", "-m", "12X", "-kernel", kernel);
        assertRefused(2, "armature: -m 300G: the virt board takes at most 255 GiB of RAM", "-m", "300G",
                "-kernel", kernel);
        assertRefused(2, "armature: -append is only allowed with -kernel", "-append", "console=ttyAMA0");
        assertRefused(1, "armature: -accel kvm: invalid accelerator kvm (Armature has tcg and interp)", "-accel", "kvm",
                "-kernel", kernel);
        assertRefused(2, "armature: -accel: tcg option hot must be an integer in 0..2147483647, got 'x'", "-accel",
                "tcg,hot=x", "-kernel", kernel);
        assertRefused(1, "armature: -accel thread=single: Armature always runs one host thread per vCPU "
                + "(thread=multi)", "-accel", "tcg,thread=single", "-kernel", kernel);
        assertRefused(2, "armature: -icount shift=auto: adaptive time follows the host clock and is not supported; "
                + "give a fixed shift=0..10", "-icount", "shift=auto", "-kernel", kernel);
        assertRefused(2, "armature: -icount shift=11: expected an integer 0..10", "-icount", "11", "-kernel", kernel);
        assertRefused(2, "armature: -lockstep needs both machines to see the same interrupts: an assigned host "
                + "device (-device vfio-platform) interrupts in host time", "-lockstep", "-device",
                "vfio-platform,host=timer0", "-kernel", kernel);
        assertRefused(2, "armature: -icount sleep=on: Armature always skips idle time to the next timer deadline "
                + "(sleep=off)", "-icount", "shift=1,sleep=on", "-kernel", kernel);
        assertRefused(2, "armature: -icount align: unsupported property (shift, sleep=off)", "-icount",
                "shift=1,align=on", "-kernel", kernel);
        assertRefused(2, "armature: -icount needs -smp 1: each vCPU runs on its own host thread, so the guest "
                + "instruction count of several would depend on host scheduling", "-icount", "0", "-smp", "2",
                "-kernel", kernel);
        assertRefused(1, "armature: -device e1000: unsupported device (supported: virtio-blk-device, "
                + "virtio-rng-device, virtio-serial-device, virtconsole, pci-testdev, armature-dma, vfio-platform)",
                "-device", "e1000", "-kernel", kernel);
        assertRefused(1, "armature: -drive format=qcow2: only raw images are supported", "-drive",
                "file=x.qcow2,format=qcow2", "-kernel", kernel);
        assertRefused(1, "armature: -device virtio-blk-device: drive 'hd9' not found (give it with -drive "
                + "...,if=none,id=hd9)", "-device", "virtio-blk-device,drive=hd9", "-kernel", kernel);
        assertRefused(1, "armature: -device virtio-blk-device: drive 'hd0' is already in use (if=virtio attaches "
                + "it by itself; use if=none)", "-drive", "file=x,id=hd0", "-device", "virtio-blk-device,drive=hd0",
                "-kernel", kernel);
        assertRefused(1, "armature: -drive " + dir.resolve("none.img") + ": no such file", "-drive",
                "file=" + dir.resolve("none.img") + ",if=virtio", "-kernel", kernel);
        assertRefused(1, "armature: -device pci-testdev: unsupported property 'membar'", "-device",
                "pci-testdev,membar=4096", "-kernel", kernel);
        assertRefused(1, "armature: -device vfio-platform,host=eth0: the host has no device 'eth0' (it has timer0, "
                + "timer1)", "-device", "vfio-platform,host=eth0", "-kernel", kernel);
        assertRefused(2, "armature: -device vfio-platform: host= is required (the modelled host has timer0, timer1)",
                "-device", "vfio-platform", "-kernel", kernel);
        assertRefused(2, "armature: -device vfio-platform: forward=maybe: expected on or off",
                "-device", "vfio-platform,host=timer0,forward=maybe", "-kernel", kernel);
        assertRefused(1, "armature: -device vfio-platform,host=timer0: already assigned",
                "-device", "vfio-platform,host=timer0", "-device", "vfio-platform,host=timer0", "-kernel", kernel);
        assertRefused(1, "armature: -device armature-dma: unsupported property 'foo' (supported: iommu=on|off)",
                "-device", "armature-dma,foo=1", "-kernel", kernel);
        assertRefused(2, "armature: -device armature-dma: iommu=maybe: expected on or off",
                "-device", "armature-dma,iommu=maybe", "-kernel", kernel);
        assertRefused(1, "armature: -device armature-dma: the platform bus holds at most one",
                "-device", "armature-dma", "-device", "armature-dma,iommu=on", "-kernel", kernel);
        assertRefused(2, "armature: -device armature-dma,iommu=on: the SMMU maps RAM in whole MiB; give the board "
                + "at least 1 MiB", "-m", "512K", "-device", "armature-dma,iommu=on", "-kernel", kernel);
        assertRefused(1, "armature: -device virtconsole: chardev 'nope' not found",
                "-device", "virtio-serial-device", "-device", "virtconsole,chardev=nope", "-kernel", kernel);
        assertRefused(1, "armature: -chardev socket: unsupported chardev backend (only testdev)",
                "-chardev", "socket,id=x,path=/tmp/s", "-kernel", kernel);
        assertRefused(1, "armature: -serial vc: unsupported backend (stdio, mon:stdio, none, null, file:PATH)",
                "-serial", "vc", "-kernel", kernel);
        assertRefused(1, "armature: -display gtk: Armature has no graphical display (use -display none or "
                + "-nographic)", "-display", "gtk", "-kernel", kernel);
        assertRefused(2, "armature: -d: unknown -d log item 'exec' (available: int, in_asm, host, summary, jit-stats)",
                "-d", "exec", "-kernel", kernel);
        assertRefused(1, "armature: -kernel " + dir.resolve("missing") + ": no such file",
                "-kernel", dir.resolve("missing").toString());
        assertRefused(2, "armature: unexpected argument 'disk.img' (QEMU would use it as a disk image: give it "
                + "with -drive file=...)", "disk.img");
    }

    @Test
    void nonImagesAreRefusedWithOneLine(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("passwd");
        Files.writeString(text, "root:x:0:0:root:/root:/bin/bash\n");
        assertRefused(1, "armature: -kernel " + text + ": looks like a text file, not a kernel image",
                "-kernel", text.toString());
        Path empty = dir.resolve("empty");
        Files.write(empty, new byte[0]);
        assertRefused(1, "armature: -kernel " + empty + ": the file is empty", "-kernel", empty.toString());
        assertEquals(1, err().lines().count());
    }

    @Test
    void dumpdtbWritesTheTreeForTheConfiguration(@TempDir Path dir) throws Exception {
        Path k = dir.resolve("k.bin");
        Files.write(k, new byte[] {0, 0, 0, 0x14});
        Path dtb = dir.resolve("out.dtb");
        assertEquals(0, run("-M", "virt,gic-version=3,dumpdtb=" + dtb, "-m", "1G", "-smp", "cpus=3", "-kernel",
                k.toString(), "-append", "console=ttyAMA0 -v", "-accel", "tcg,tb-size=64,thread=multi",
                "-device", "virtio-serial-device", "-device", "virtconsole,chardev=ctd", "-chardev", "testdev,id=ctd"),
                err());
        assertEquals("armature: dtb dumped to " + dtb + ". Exiting.", firstErrLine());
        FdtNode root = Fdt.decode(Files.readAllBytes(dtb)).root();
        assertNotNull(root.child("memory@40000000"));
        assertEquals(0x4000_0000L, java.nio.ByteBuffer.wrap(root.child("memory@40000000").property("reg")).getLong(8));
        assertNotNull(root.child("cpus").child("cpu@2"));
        assertEquals("console=ttyAMA0 -v\0",
                new String(root.child("chosen").property("bootargs"), StandardCharsets.UTF_8));
    }

    @Test
    void dumpdtbWithoutKernelAndWithGivenDtb(@TempDir Path dir) throws Exception {
        Path plain = dir.resolve("plain.dtb");
        assertEquals(0, run("-M", "virt,dumpdtb=" + plain), err());
        FdtNode root = Fdt.decode(Files.readAllBytes(plain)).root();
        assertNull(root.child("chosen").property("bootargs"));
        assertEquals(1 << 20, Files.size(plain));

        // -dtb: the given tree is kept, its memory node and /chosen are set for this boot (as QEMU does).
        FdtNode given = new FdtNode("");
        given.setCells("#address-cells", 2).setCells("#size-cells", 2).setStrings("model", "mine");
        given.addChild("memory@40000000").setStrings("device_type", "memory").setU64("reg", 0x4000_0000L, 1 << 20);
        Path in = dir.resolve("in.dtb");
        Files.write(in, Fdt.encode(given));
        Path k = dir.resolve("k.bin");
        Files.write(k, new byte[] {0, 0, 0, 0x14});
        Path outDtb = dir.resolve("out.dtb");
        assertEquals(0, run("-M", "virt,dumpdtb=" + outDtb, "-m", "256M", "-dtb", in.toString(), "-kernel",
                k.toString(), "-append", "root=/dev/vda"), err());
        FdtNode out = Fdt.decode(Files.readAllBytes(outDtb)).root();
        assertEquals("mine\0", new String(out.property("model"), StandardCharsets.UTF_8));
        assertEquals(256L << 20, java.nio.ByteBuffer.wrap(out.child("memory@40000000").property("reg")).getLong(8));
        assertEquals("root=/dev/vda\0", new String(out.child("chosen").property("bootargs"), StandardCharsets.UTF_8));

        Files.write(in, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,
            24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40});
        errBytes.reset();
        assertEquals(1, run("-dtb", in.toString(), "-kernel", k.toString()));
        assertEquals("armature: -dtb: malformed device tree blob: bad magic 0x01020304 (expected 0xd00dfeed)",
                firstErrLine());
    }

    @Test
    void sizesFollowQemuSuffixes() throws Exception {
        assertEquals(128L << 20, QemuOpts.size("-m", "128", 1L << 20));
        assertEquals(512L << 20, QemuOpts.size("-m", "512M", 1L << 20));
        assertEquals(2L << 30, QemuOpts.size("-m", "2g", 1L << 20));
        assertEquals(1536L << 20, QemuOpts.size("-m", "1.5G", 1L << 20));
        assertEquals(64L << 10, QemuOpts.size("-m", "64K", 1L << 20));
        assertThrows(CliError.class, () -> QemuOpts.size("-m", "-1", 1L << 20));
    }

    @Test
    void optionListsHandleEscapedCommas() throws Exception {
        assertEquals(java.util.Map.of("type", "virt", "dumpdtb", "a,b.dtb"),
                QemuOpts.parse("-machine", "virt,dumpdtb=a,,b.dtb", "type"));
        assertThrows(CliError.class, () -> QemuOpts.parse("-machine", "virt,gic-version=2,gic-version=3", "type"));
    }

    /** {@code -d jit-stats} reports the translator's statistics after a {@code -lockstep} run too. */
    @Test
    void lockstepRunsReportJitStatistics(@TempDir Path dir) throws Exception {
        Path k = dir.resolve("off.bin");
        ByteBuffer code = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        code.putInt(0x52800100).putInt(0x72b08000); // mov w0, #0x84000008 (PSCI SYSTEM_OFF)
        code.putInt(0xd4000002).putInt(0x14000000); // hvc #0; b .
        Files.write(k, code.array());
        Path log = dir.resolve("jit.log");
        assertEquals(0, run("-display", "none", "-lockstep", "-d", "jit-stats", "-D", log.toString(), "-kernel",
                k.toString()), err());
        assertTrue(err().contains("armature: lockstep: no divergence"), err());
        assertTrue(Files.readAllLines(log).stream().anyMatch(l -> l.startsWith("TB flush count")),
                Files.readString(log));
    }

    private void assertRefused(int status, String message, String... args) {
        errBytes.reset();
        assertEquals(status, run(args), String.join(" ", args) + " -> " + err());
        assertEquals(message, firstErrLine());
    }
}
