package dev.armature.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Linux boot benchmark (not a test): boots Debian's kernel with the busybox initramfs from {@code tools/fetch-linux}
 * under {@code qemu-system-aarch64} and under Armature with the same arguments, runs interleaved, and prints the
 * wall time from process start to the {@code ARMATURE-LINUX-UP} marker and to the process's exit (the guest powers
 * off), and the process's CPU time (user + system, from GNU time: on a loaded host wall time mostly measures the
 * load), medians over the repetitions, and Armature's ratio to QEMU.
 *
 * <p>Usage: {@code bench/run linux [--reps N] [--smp N] [--machine virt[,...]] [--dir DIR] [--no-qemu]}, from the
 * repository root. DIR defaults to where fetch-linux writes
 * ({@code ARMATURE_LINUX_DIR}, else {@code $XDG_CACHE_HOME/armature/linux}). Programs: {@code ./armature} and
 * {@code qemu-system-aarch64} (override with {@code bench.armature}, {@code bench.qemu}).
 */
@Command(name = "bench/run linux", description = {
        "Boots Debian's kernel (tools/fetch-linux) under Armature and qemu-system-aarch64, interleaved, and prints "
                + "the wall time to the shell marker and to the exit, and the CPU time: medians and ratios.",
        "Run from the repository root."})
public final class LinuxBootBench extends BenchCommand {
    private static final String MARKER = "ARMATURE-LINUX-UP";
    private static final String TIME_PROGRAM = "/usr/bin/time";

    @Option(names = "--reps", paramLabel = "N", description = "boots of each emulator (default ${DEFAULT-VALUE})")
    int reps = 3;

    @Option(names = "--smp", paramLabel = "N", description = "vCPUs (default ${DEFAULT-VALUE})")
    int smp = 1;

    @Option(names = "--machine", paramLabel = "M", description = "-M value, e.g. virt,gic-version=3 "
            + "(default ${DEFAULT-VALUE})")
    String machine = "virt";

    @Option(names = "--dir", paramLabel = "DIR", description = "where tools/fetch-linux put Image and "
            + "initramfs.cpio.gz (default ${DEFAULT-VALUE})")
    Path dir = defaultDir();

    @Option(names = "--no-qemu", description = "no qemu-system-aarch64 boots")
    boolean noQemu;

    /** One boot: seconds to the marker (NaN if it never came), to the exit, and of CPU time. */
    private record Boot(double marker, double exit, double cpu, int status) {
    }

    private enum Figure { MARKER, EXIT, CPU }

    public static void main(String[] args) {
        main(new LinuxBootBench(), args);
    }

    @Override
    void check() {
        requireAtLeast("--reps", reps, 1);
        requireAtLeast("--smp", smp, 1);
    }

    /**
     * Where {@code tools/fetch-linux} puts the kernel and initramfs: {@code $ARMATURE_LINUX_DIR}, else
     * {@code $XDG_CACHE_HOME/armature/linux} (default {@code ~/.cache/armature/linux}). Also used by LinuxBootTest.
     */
    public static Path defaultDir() {
        String d = System.getenv("ARMATURE_LINUX_DIR");
        if (d != null) {
            return Path.of(d);
        }
        String cache = System.getenv("XDG_CACHE_HOME");
        Path base = cache != null ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("armature").resolve("linux");
    }

    @Override
    int run() throws IOException, InterruptedException {
        Path kernel = dir.resolve("Image");
        Path initrd = dir.resolve("initramfs.cpio.gz");
        if (!Files.isExecutable(Path.of(TIME_PROGRAM))) {
            throw new IOException(TIME_PROGRAM + " (GNU time) not found: it measures CPU time");
        }
        if (!Files.isRegularFile(kernel) || !Files.isRegularFile(initrd)) {
            throw new IOException("no Image and initramfs.cpio.gz in " + dir + " (run tools/fetch-linux)");
        }
        List<String> common = List.of("-M", machine, "-cpu", "cortex-a57", "-smp", String.valueOf(smp), "-m", "512M",
                "-display", "none", "-serial", "stdio", "-no-reboot", "-kernel", kernel.toString(),
                "-initrd", initrd.toString(), "-append", "console=ttyAMA0 panic=-1");
        System.out.printf(Locale.ROOT, "Linux boot: -M %s -smp %d, %d repetition(s), host load %.1f%n", machine, smp,
                reps, GuestRuns.loadAverage());
        List<Boot> ours = new ArrayList<>();
        List<Boot> theirs = new ArrayList<>();
        for (int r = 0; r < reps; r++) {
            if (!noQemu) {
                theirs.add(boot(GuestRuns.QEMU, common, "-accel", "tcg"));
            }
            ours.add(boot(GuestRuns.ARMATURE, common, "-accel", "tcg"));
        }
        report("armature", ours);
        if (!noQemu) {
            report("qemu", theirs);
            System.out.printf(Locale.ROOT, "ratio armature/qemu: marker %.2fx, exit %.2fx, CPU time %.2fx%n",
                    median(ours, Figure.MARKER) / median(theirs, Figure.MARKER),
                    median(ours, Figure.EXIT) / median(theirs, Figure.EXIT),
                    median(ours, Figure.CPU) / median(theirs, Figure.CPU));
        }
        return ours.stream().allMatch(b -> b.status == 0 && !Double.isNaN(b.marker)) ? 0 : 1;
    }

    private static Boot boot(String program, List<String> common, String... extra)
            throws IOException, InterruptedException {
        Path times = Files.createTempFile("linux-boot-bench", ".time");
        List<String> cmd = new ArrayList<>(List.of(TIME_PROGRAM, "-o", times.toString(), "-f", "%U %S"));
        cmd.add(program);
        cmd.addAll(common);
        cmd.addAll(List.of(extra));
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        double marker = Double.NaN;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (Double.isNaN(marker) && line.contains(MARKER)) {
                    marker = (System.nanoTime() - start) / 1e9;
                }
            }
        }
        int status = p.waitFor();
        double exit = (System.nanoTime() - start) / 1e9;
        String[] t = Files.readString(times).trim().split("\\s+");
        Files.delete(times);
        double cpu = Double.parseDouble(t[t.length - 2]) + Double.parseDouble(t[t.length - 1]);
        System.out.printf(Locale.ROOT, "  %-20s marker %6.2f s  exit %6.2f s  CPU %6.2f s  status %d%n",
                Path.of(program).getFileName(), marker, exit, cpu, status);
        return new Boot(marker, exit, cpu, status);
    }

    private static double median(List<Boot> boots, Figure f) {
        double[] v = boots.stream().mapToDouble(b -> switch (f) {
            case MARKER -> b.marker;
            case EXIT -> b.exit;
            case CPU -> b.cpu;
        }).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static void report(String name, List<Boot> boots) {
        System.out.printf(Locale.ROOT, "%-9s median: marker %.2f s, exit %.2f s, CPU %.2f s%n", name,
                median(boots, Figure.MARKER), median(boots, Figure.EXIT), median(boots, Figure.CPU));
    }
}
