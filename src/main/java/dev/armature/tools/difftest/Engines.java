package dev.armature.tools.difftest;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.linuxuser.ExitStatus;
import dev.armature.linuxuser.UserProcess;
import dev.armature.loader.ElfFile;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a batch ELF under the reference (qemu-aarch64) and under Armature's user mode, in process. */
final class Engines {
    static final String QEMU = "qemu-aarch64";
    private static final long INSTRUCTION_LIMIT = 200_000_000L;

    private Engines() {
    }

    static boolean qemuAvailable() {
        try {
            Process p = new ProcessBuilder(QEMU, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static Outcome qemu(Path elf, String cpu) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(QEMU, "-cpu", cpu, elf.toString()).start();
        p.getOutputStream().close();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getErrorStream().readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        });
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Outcome(out, -1, "qemu-aarch64 timed out", -1);
        }
        String note = new String(err.join()).strip();
        return new Outcome(out, p.exitValue(), note.isEmpty() ? null : note, -1);
    }

    static Outcome armature(byte[] image, String cpu, String accel) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        UserProcess.Config config = UserProcess.Config.of(CpuModel.byName(cpu), List.of(),
                new ByteArrayInputStream(new byte[0]), out, err).withInstructionLimit(INSTRUCTION_LIMIT)
                .withAccel(accel);
        try (UserProcess p = UserProcess.load(ElfFile.parse(image), Path.of("difftest.elf"), List.of("difftest"),
                config)) {
            try {
                ExitStatus s = p.run();
                return new Outcome(out.toByteArray(), s.shellStatus(), s.message(), p.cpu().pc);
            } catch (IllegalStateException e) { // an emulator failure, not a guest fault
                return new Outcome(out.toByteArray(), -1, e.getMessage(), p.cpu().pc);
            }
        } catch (ElfFile.ElfException e) {
            return new Outcome(out.toByteArray(), -1, "batch ELF rejected: " + e.getMessage(), -1);
        }
    }

    /** Writes {@code image} to a file qemu can run (in {@code dir}, or a temporary file). */
    static Path write(byte[] image, Path dir, String name) throws IOException {
        Path f = dir != null ? dir.resolve(name) : Files.createTempFile("difftest-", ".elf");
        Files.write(f, image);
        if (!f.toFile().setExecutable(true)) { // qemu-user, like execve, runs only executable files
            throw new IOException("cannot make " + f + " executable");
        }
        return f;
    }
}
