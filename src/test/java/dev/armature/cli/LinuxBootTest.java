package dev.armature.cli;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.Decoder;
import dev.armature.arch.aarch64.Undefined;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Boots Debian's arm64 cloud kernel with a busybox initramfs (both made by {@code tools/fetch-linux}, which
 * keeps them outside git) to its /init, which prints a marker, uname, /proc/cpuinfo and powers off.
 * Skipped when the files are absent. See docs/linux-boot.md.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class LinuxBootTest {
    private static Path kernel;
    private static Path initrd;

    @BeforeAll
    static void needKernelAndSimd() {
        Path dir = linuxDir();
        kernel = dir.resolve("Image");
        initrd = dir.resolve("initramfs.cpio.gz");
        Assumptions.assumeTrue(Files.isRegularFile(kernel) && Files.isRegularFile(initrd),
                "no kernel and initramfs in " + dir + ": run tools/fetch-linux (needs Debian's archive)");
        // busybox's static libc runs AdvSIMD code (MOVI) before main.
        Assumptions.assumeFalse(Decoder.decode(0x2f07_e600, CpuModel.CORTEX_A57) instanceof Undefined,
                "AdvSIMD (MOVI) is not implemented yet: busybox would die with SIGILL");
    }

    /** Where tools/fetch-linux puts its output. */
    private static Path linuxDir() {
        String dir = System.getenv("ARMATURE_LINUX_DIR");
        if (dir != null) {
            return Path.of(dir);
        }
        String cache = System.getenv("XDG_CACHE_HOME");
        Path base = cache != null ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("armature").resolve("linux");
    }

    @ParameterizedTest(name = "-M {0} -smp {1} -accel {2}")
    @CsvSource({"virt,1,tcg", "virt,4,tcg", "'virt,gic-version=3',1,tcg"})
    void bootsToInitAndPowersOff(String machine, int smp, String accel) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Main main = new Main(new ByteArrayInputStream(new byte[0]), out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        int status = Main.run(main, "-M", machine, "-cpu", "cortex-a57", "-smp", String.valueOf(smp),
                "-m", "512M", "-display", "none", "-serial", "stdio", "-accel", accel,
                "-kernel", kernel.toString(), "-initrd", initrd.toString(), "-append", "console=ttyAMA0 panic=-1");
        String console = out.toString(StandardCharsets.UTF_8).replace("\r", "");
        String tail = console.substring(Math.max(0, console.length() - 3000)) + err;

        assertTrue(console.contains("Booting Linux on physical CPU 0x0000000000 [0x411fd070]"), tail);
        assertTrue(console.contains("rtc-pl031 9010000.pl031: registered as rtc0"), tail);
        assertTrue(console.contains("\nARMATURE-LINUX-UP"), tail);
        assertTrue(console.contains("Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 cpuid"), tail);
        assertTrue(console.contains("processor\t: " + (smp - 1) + "\n"), tail);
        assertTrue(console.contains("ARMATURE-LINUX-DONE"), tail);
        assertTrue(console.contains("reboot: Power down"), tail);
        assertEquals(0, status, tail);
    }
}
