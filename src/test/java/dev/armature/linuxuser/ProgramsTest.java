package dev.armature.linuxuser;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.loader.ElfFile;
import dev.armature.loader.ToolchainSupport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Small static C programs built with the cross compiler, run under qemu-aarch64 and under Armature's user mode:
 * stdout and exit status must match, under the interpreter and under the translator. "nolibc" programs need only the integer ISA; glibc programs also need
 * FP/AdvSIMD (glibc's static startup and string routines use it), so each case first checks that the
 * instructions it needs decode, and is skipped with that reason while they do not.
 */
class ProgramsTest {
    private static final String NOLIBC = "-nostdlib -ffreestanding -fno-builtin -mgeneral-regs-only -lgcc";
    private static final String LIBC = "-mgeneral-regs-only";
    /** movz, svc, ldr, stp pre-index, bl, ret, udiv, cbz. */
    private static final int[] INTEGER = {0xd280_0000, 0xd400_0001, 0xf940_0020, 0xa9bf_7bfd, 0x9400_0000,
        0xd65f_03c0, 0x9ac2_0820, 0xb400_0000};
    /** cmeq #0, ldr q, umaxp, mrs/msr tpidr_el0, fmov d0 x0, fmul d. */
    private static final int[] SIMD = {0x4e20_9800, 0x3dc0_0000, 0x6e20_a400, 0xd53b_d040, 0xd51b_d040,
        0x9e67_0000, 0x1e60_0800};

    static Stream<Arguments> programs() {
        return Stream.of(
                Arguments.of("args.c", NOLIBC, List.of("a", "b c"), false),
                Arguments.of("heap.c", NOLIBC, List.of(), false),
                Arguments.of("file.c", NOLIBC, List.of("@file"), false),
                Arguments.of("compute.c", NOLIBC, List.of(), false),
                Arguments.of("fault.c", NOLIBC, List.of("segv"), false),
                Arguments.of("fault.c", NOLIBC, List.of("trap"), false),
                Arguments.of("fault.c", NOLIBC, List.of("ill"), false),
                Arguments.of("idregs.S", "-nostdlib", List.of(), false),
                Arguments.of("hello_libc.c", "", List.of("x"), true),
                Arguments.of("args_libc.c", LIBC, List.of("one", "two"), true),
                Arguments.of("malloc_libc.c", LIBC, List.of(), true),
                Arguments.of("strings_libc.c", LIBC, List.of(), true),
                Arguments.of("file_libc.c", LIBC, List.of("@file"), true));
    }

    private static void assumeDecodes(int[] words) {
        UserProcessTest.assumeIsa(words);
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("programs")
    void behavesAsUnderQemu(String source, String flags, List<String> args, boolean libc, @TempDir Path dir)
            throws Exception {
        assumeDecodes(INTEGER);
        if (libc) {
            assumeDecodes(SIMD);
        }
        Assumptions.assumeTrue(ToolchainSupport.available(ToolchainSupport.GCC)
                && ToolchainSupport.available("qemu-aarch64"));
        Path exe = compile(source, flags, dir);
        Path data = dir.resolve("data.txt");
        Files.writeString(data, "first line\nsecond\n");
        List<String> argv = new ArrayList<>(List.of(exe.toString()));
        args.forEach(a -> argv.add(a.equals("@file") ? data.toString() : a));
        List<String> env = List.of("ARM_X=1");

        List<String> cmd = new ArrayList<>(List.of("qemu-aarch64", "-cpu", "cortex-a57"));
        cmd.addAll(argv);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().clear();
        pb.environment().put("ARM_X", "1");
        Path errFile = dir.resolve("qemu.err");
        pb.redirectError(errFile.toFile());
        Process q = pb.start();
        q.getOutputStream().close();
        String qemuOut = new String(q.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        q.waitFor(120, TimeUnit.SECONDS);
        byte[] qemuErr = Files.readAllBytes(errFile);

        for (String accel : List.of("interp", "tcg")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            UserProcess.Config config = UserProcess.Config.of(CpuModel.CORTEX_A57, env,
                    new ByteArrayInputStream(new byte[0]), out, err).withInstructionLimit(2_000_000_000L)
                    .withAccel(accel);
            ExitStatus status;
            try (UserProcess p = UserProcess.load(ElfFile.read(exe), exe, argv, config)) {
                status = p.run();
            }
            assertEquals(qemuOut, out.toString(StandardCharsets.ISO_8859_1), accel + ": stdout");
            assertEquals(q.exitValue(), status.shellStatus(), accel + ": exit status; armature: " + status.message()
                    + "; qemu stderr: " + new String(qemuErr));
            if (status.signal() == 0) {
                assertEquals(new String(qemuErr), err.toString(), accel + ": stderr");
            }
        }
    }

    private static Path compile(String source, String flags, Path dir) throws IOException, InterruptedException {
        Path src = dir.resolve(source);
        try (InputStream in = ProgramsTest.class.getResourceAsStream(source)) {
            Files.write(src, in.readAllBytes());
        }
        try (InputStream in = ProgramsTest.class.getResourceAsStream("nolibc.h")) {
            Files.write(dir.resolve("nolibc.h"), in.readAllBytes());
        }
        Path exe = dir.resolve(source.replaceAll("\\.[cS]$", ""));
        List<String> cmd = new ArrayList<>(List.of(ToolchainSupport.GCC, "-static", "-O2", "-o", exe.toString(),
                src.toString()));
        if (!flags.isEmpty()) {
            cmd.addAll(List.of(flags.split(" ")));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("cannot compile " + source + ": " + log);
        }
        return exe;
    }
}
