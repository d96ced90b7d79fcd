package dev.armature.loader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Builds small aarch64 test programs with the cross toolchain when it is installed. */
public final class ToolchainSupport {
    public static final String GCC = "aarch64-linux-gnu-gcc";

    private ToolchainSupport() {
    }

    /** True if {@code tool} runs; prints why not otherwise, so a skipped check is visible. */
    public static boolean available(String tool) {
        try {
            Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return true;
            }
        } catch (IOException e) {
            // not installed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.out.println("SKIP: " + tool + " is not installed");
        return false;
    }

    /** Compiles C source to a static executable; null (with a printed reason) if the compiler is absent. */
    public static Path compileC(String source, String... flags) throws IOException, InterruptedException {
        if (!available(GCC)) {
            return null;
        }
        Path dir = Files.createTempDirectory("armature-test");
        Path src = dir.resolve("t.c");
        Files.writeString(src, source);
        Path exe = dir.resolve("t");
        List<String> cmd = new ArrayList<>(List.of(GCC));
        cmd.addAll(List.of(flags));
        cmd.addAll(List.of("-o", exe.toString(), src.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("compiling test program failed: " + out);
        }
        return exe;
    }
}
