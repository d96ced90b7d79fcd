package dev.armature.cli;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.Decoder;
import dev.armature.arch.aarch64.Undefined;
import dev.armature.bench.LinuxBootBench;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Boots Debian's arm64 cloud kernel (made ready by {@code tools/fetch-linux}, which keeps everything outside
 * git) to a busybox init that prints a marker and powers off: from an initramfs, and from an ext4 root file
 * system on virtio-blk. Skipped when the files are absent. Each boot's console is kept in
 * {@code target/linux-boot/NAME.log}. See docs/linux-boot.md.
 */
@Timeout(value = 900, unit = TimeUnit.SECONDS)
class LinuxBootTest {
    private static final Path LOGS = Path.of("target", "linux-boot");
    private static Path dir;
    private static Path kernel;
    private static Path initrd;

    @BeforeAll
    static void needKernelAndSimd() {
        dir = LinuxBootBench.defaultDir(); // where tools/fetch-linux puts its output
        kernel = dir.resolve("Image");
        initrd = dir.resolve("initramfs.cpio.gz");
        Assumptions.assumeTrue(Files.isRegularFile(kernel) && Files.isRegularFile(initrd),
                "no kernel and initramfs in " + dir + ": run tools/fetch-linux (needs Debian's archive)");
        // busybox's static libc runs AdvSIMD code (MOVI) before main.
        Assumptions.assumeFalse(Decoder.decode(0x2f07_e600, CpuModel.CORTEX_A57) instanceof Undefined,
                "AdvSIMD (MOVI) is not implemented yet: busybox would die with SIGILL");
    }


    private record Boot(int status, String console, String tail) {
    }

    /** Boots with the common arguments plus {@code extra}; keeps the console in target/linux-boot/NAME.log. */
    private static Boot boot(String name, String machine, int smp, List<String> extra) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Main main = new Main(new ByteArrayInputStream(new byte[0]), out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        List<String> args = new ArrayList<>(List.of("-M", machine, "-cpu", "cortex-a57", "-smp",
                String.valueOf(smp), "-m", "512M", "-display", "none", "-serial", "stdio", "-accel", "tcg",
                "-kernel", kernel.toString()));
        args.addAll(extra);
        int status = Main.run(main, args.toArray(String[]::new));
        String console = out.toString(StandardCharsets.UTF_8).replace("\r", "");
        Files.createDirectories(LOGS);
        Files.writeString(LOGS.resolve(name + ".log"), console + "\n--- stderr ---\n" + err);
        String tail = console.substring(Math.max(0, console.length() - 3000)) + err;
        return new Boot(status, console, tail);
    }

    @ParameterizedTest(name = "-M {0} -smp {1}")
    @CsvSource({"virt,1", "virt,4", "'virt,gic-version=3',1", "'virt,virtualization=on',1",
        "'virt,virtualization=on,gic-version=3',2"})
    void bootsToInitAndPowersOff(String machine, int smp) throws IOException {
        Boot b = boot("initramfs-" + machine.replace(',', '-').replace('=', '-') + "-smp" + smp, machine, smp,
                List.of("-initrd", initrd.toString(), "-append", "console=ttyAMA0 panic=-1"));
        String console = b.console();
        assertTrue(console.contains("Booting Linux on physical CPU 0x0000000000 [0x411fd070]"), b.tail());
        assertTrue(console.contains("rtc-pl031 9010000.pl031: registered as rtc0"), b.tail());
        assertTrue(console.contains("\nARMATURE-LINUX-UP"), b.tail());
        assertTrue(console.contains("Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 cpuid"), b.tail());
        assertTrue(console.contains("processor\t: " + (smp - 1) + "\n"), b.tail());
        if (machine.contains("virtualization=on")) {
            // The kernel owns EL2: it keeps its hyp stub and brings up KVM there.
            assertTrue(console.contains("CPU: All CPU(s) started at EL2"), b.tail());
            assertTrue(console.contains("kvm [1]: Hyp mode initialized successfully"), b.tail());
            // GICv2 has the virtualization extensions (GICH/GICV, maintenance PPI 9); GICv3's ICH_* interface not.
            assertEquals(!machine.contains("gic-version=3"), console.contains("kvm [1]: vgic interrupt IRQ9"),
                    b.tail());
        } else {
            assertTrue(console.contains("CPU: All CPU(s) started at EL1"), b.tail());
        }
        assertTrue(console.contains("ARMATURE-LINUX-DONE"), b.tail());
        assertTrue(console.contains("reboot: Power down"), b.tail());
        assertEquals(0, b.status(), b.tail());
    }

    /**
     * root=/dev/vda on an ext4 image behind {@code -device virtio-blk-device}, with a virtio-rng device. The
     * kernel builds virtio_mmio and virtio_blk as modules, so a small initramfs loads them and switches to the
     * root file system; its /sbin/init checks a file it reads back (md5), reads /dev/hwrng, writes a file and
     * powers off. The file must be in the image afterwards. Both transport layouts: QEMU's default legacy one and
     * the modern one of {@code -global virtio-mmio.force-legacy=off}.
     */
    @ParameterizedTest(name = "virtio-mmio.force-legacy={0}")
    @ValueSource(strings = {"on", "off"})
    void bootsFromAVirtioBlockRootFileSystem(String forceLegacy, @TempDir Path tmp)
            throws IOException, InterruptedException {
        Path rootfs = dir.resolve("rootfs.ext4");
        Path loader = dir.resolve("initramfs-virtio.cpio.gz");
        Assumptions.assumeTrue(Files.isRegularFile(rootfs) && Files.isRegularFile(loader),
                "no rootfs.ext4 and initramfs-virtio.cpio.gz in " + dir + ": run tools/fetch-linux");
        Path disk = Files.copy(rootfs, tmp.resolve("rootfs.ext4"));
        Boot b = boot("virtio-blk-root-legacy-" + forceLegacy, "virt", 1, List.of("-initrd", loader.toString(),
                "-global", "virtio-mmio.force-legacy=" + forceLegacy,
                "-drive", "file=" + disk + ",format=raw,if=none,id=hd0", "-device", "virtio-blk-device,drive=hd0",
                "-device", "virtio-rng-device", "-append", "console=ttyAMA0 root=/dev/vda rw panic=-1"));
        String console = b.console();
        assertTrue(console.contains("virtio_blk virtio1: [vda] 32768 512-byte logical blocks"), b.tail());
        assertTrue(console.contains("EXT4-fs (vda): mounted filesystem"), b.tail());
        assertTrue(console.contains("\nARMATURE-LINUX-UP"), b.tail());
        assertTrue(console.contains("/dev/vda / ext4 rw"), b.tail());
        assertTrue(console.contains("bin/busybox: OK"), b.tail());
        assertTrue(console.contains("rng: virtio_rng.0"), b.tail());
        assertTrue(console.contains("ARMATURE-LINUX-DONE"), b.tail());
        assertTrue(console.contains("reboot: Power down"), b.tail());
        assertEquals(0, b.status(), b.tail());
        String written = debugfsCat(disk, "/armature-written");
        assertTrue(written.contains("written by the guest on 6."), written);
    }

    /** A file's contents in an ext4 image, read with e2fsprogs' debugfs (fetch-linux needed e2fsprogs). */
    private static String debugfsCat(Path image, String file) throws IOException, InterruptedException {
        String debugfs = List.of("/usr/sbin/debugfs", "/sbin/debugfs").stream()
                .filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse("debugfs");
        Process p = new ProcessBuilder(debugfs, "-R", "cat " + file, image.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "debugfs failed");
        return text;
    }
}
