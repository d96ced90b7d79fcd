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

/**
 * Linux boot benchmark (not a test): boots Debian's kernel with the busybox initramfs from {@code tools/fetch-linux}
 * under {@code qemu-system-aarch64} and under Armature with the same arguments, runs interleaved, and prints the
 * wall time from process start to the {@code ARMATURE-LINUX-UP} marker and to the process's exit (the guest powers
 * off), and the process's CPU time (user + system, from GNU time: on a loaded host wall time mostly measures the
 * load), medians over the repetitions, and Armature's ratio to QEMU.
 *
 * <p>Usage: {@code LinuxBootBench [--reps N] [--smp N] [--machine virt[,...]] [--dir DIR] [--no-qemu]}, from the
 * repository root ({@code bench/run linux} does that). DIR defaults to where fetch-linux writes
 * ({@code ARMATURE_LINUX_DIR}, else {@code $XDG_CACHE_HOME/armature/linux}). Programs: {@code ./armature} and
 * {@code qemu-system-aarch64} (override with {@code bench.armature}, {@code bench.qemu}).
 */
public final class LinuxBootBench {
    private static final String MARKER = "ARMATURE-LINUX-UP";
    private static final String TIME_PROGRAM = "/usr/bin/time";

    private final String armature = System.getProperty("bench.armature", "./armature");
    private final String qemu = System.getProperty("bench.qemu", "qemu-system-aarch64");
    private int reps = 3;
    private int smp = 1;
    private String machine = "virt";
    private Path dir = defaultDir();
    private boolean withQemu = true;

    /** One boot: seconds to the marker (NaN if it never came), to the exit, and of CPU time. */
    private record Boot(double marker, double exit, double cpu, int status) {
    }

    private enum Figure { MARKER, EXIT, CPU }

    public static void main(String[] args) throws Exception {
        LinuxBootBench b = new LinuxBootBench();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--reps" -> b.reps = Integer.parseInt(args[++i]);
                case "--smp" -> b.smp = Integer.parseInt(args[++i]);
                case "--machine" -> b.machine = args[++i];
                case "--dir" -> b.dir = Path.of(args[++i]);
                case "--no-qemu" -> b.withQemu = false;
                default -> {
                    System.err.println("LinuxBootBench: unknown argument " + args[i]
                            + " (--reps N, --smp N, --machine M, --dir DIR, --no-qemu)");
                    System.exit(2);
                }
            }
        }
        System.exit(b.run());
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

    private int run() throws IOException, InterruptedException {
        Path kernel = dir.resolve("Image");
        Path initrd = dir.resolve("initramfs.cpio.gz");
        if (!Files.isExecutable(Path.of(TIME_PROGRAM))) {
            System.err.println("LinuxBootBench: " + TIME_PROGRAM + " (GNU time) not found: it measures CPU time");
            return 1;
        }
        if (!Files.isRegularFile(kernel) || !Files.isRegularFile(initrd)) {
            System.err.println("LinuxBootBench: no Image and initramfs.cpio.gz in " + dir + " (run tools/fetch-linux)");
            return 1;
        }
        List<String> common = List.of("-M", machine, "-cpu", "cortex-a57", "-smp", String.valueOf(smp), "-m", "512M",
                "-display", "none", "-serial", "stdio", "-no-reboot", "-kernel", kernel.toString(),
                "-initrd", initrd.toString(), "-append", "console=ttyAMA0 panic=-1");
        System.out.printf(Locale.ROOT, "Linux boot: -M %s -smp %d, %d repetition(s), host load %.1f%n", machine, smp,
                reps, loadAverage());
        List<Boot> ours = new ArrayList<>();
        List<Boot> theirs = new ArrayList<>();
        for (int r = 0; r < reps; r++) {
            if (withQemu) {
                theirs.add(boot(qemu, common, "-accel", "tcg"));
            }
            ours.add(boot(armature, common, "-accel", "tcg"));
        }
        report("armature", ours);
        if (withQemu) {
            report("qemu", theirs);
            System.out.printf(Locale.ROOT, "ratio armature/qemu: marker %.2fx, exit %.2fx, CPU time %.2fx%n",
                    median(ours, Figure.MARKER) / median(theirs, Figure.MARKER),
                    median(ours, Figure.EXIT) / median(theirs, Figure.EXIT),
                    median(ours, Figure.CPU) / median(theirs, Figure.CPU));
        }
        return ours.stream().allMatch(b -> b.status == 0 && !Double.isNaN(b.marker)) ? 0 : 1;
    }

    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
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
