package dev.armature.testrunner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A guest test in kvm-unit-tests' migration protocol ({@code groups = migration}): the test runs in a source
 * emulator with a QMP monitor while a destination emulator waits with {@code -incoming tcp:127.0.0.1:PORT}; when
 * the guest prints {@link #PROMPT} the runner migrates the VM (QMP {@code migrate}, then {@code query-migrate}
 * until completed), quits the source and presses a key on the destination's console, where the test goes on.
 * The log holds the source's console, then the destination's.
 */
final class MigrationRun {
    /** What a test prints when it wants to be migrated (kvm-unit-tests' wording). */
    static final String PROMPT = "Now migrate the VM, then press a key to continue...";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The destination after the migration, or why there is none. */
    record Result(Process destination, Path destinationLog, String failure) {
    }

    private MigrationRun() {
    }

    /**
     * Runs the source until it asks to be migrated, migrates it into a destination started alongside, and returns
     * the destination, running on with its key pressed. On failure both processes are ended.
     */
    static Result start(List<String> cmd, Path log, long deadlineNanos) throws IOException, InterruptedException {
        int port = freePort();
        int qmp = freePort();
        Path dstLog = log.resolveSibling(log.getFileName() + ".destination");
        List<String> dstCmd = new ArrayList<>(cmd);
        dstCmd.addAll(List.of("-incoming", "tcp:127.0.0.1:" + port));
        Process dst = new ProcessBuilder(dstCmd).redirectErrorStream(true).redirectOutput(dstLog.toFile()).start();
        List<String> srcCmd = new ArrayList<>(cmd);
        srcCmd.addAll(List.of("-qmp", "tcp:127.0.0.1:" + qmp + ",server=on,wait=off"));
        Process src = new ProcessBuilder(srcCmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        try {
            while (!Files.readString(log, StandardCharsets.UTF_8).contains(PROMPT)) {
                if (!src.isAlive()) {
                    return fail(dst, dstLog, "the test ended before asking to be migrated");
                }
                if (System.nanoTime() > deadlineNanos) {
                    return fail(dst, dstLog, "timeout before the migration");
                }
                Thread.sleep(50);
            }
            awaitListening(port, deadlineNanos);
            String error = migrate(qmp, port, deadlineNanos);
            if (error != null) {
                return fail(dst, dstLog, "migration failed: " + error);
            }
            OutputStream key = dst.getOutputStream();
            key.write('\n');
            key.flush();
            return new Result(dst, dstLog, null);
        } finally {
            src.destroy();
            src.waitFor();
        }
    }

    private static Result fail(Process dst, Path dstLog, String why) throws InterruptedException {
        dst.destroyForcibly();
        dst.waitFor();
        return new Result(null, dstLog, why);
    }

    /** Migrates through the source's monitor; returns null when completed, else the error. */
    private static String migrate(int qmp, int port, long deadlineNanos) throws IOException, InterruptedException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), qmp), 5000);
            s.setSoTimeout(60_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            in.readLine(); // greeting
            ask(in, out, "{\"execute\":\"qmp_capabilities\"}");
            JsonNode started = ask(in, out, "{\"execute\":\"migrate\",\"arguments\":{\"uri\":\"tcp:127.0.0.1:" + port
                    + "\"}}");
            if (started.has("error")) {
                return started.get("error").get("desc").asText();
            }
            while (System.nanoTime() < deadlineNanos) {
                JsonNode info = ask(in, out, "{\"execute\":\"query-migrate\"}").get("return");
                switch (info.path("status").asText()) {
                    case "completed" -> {
                        ask(in, out, "{\"execute\":\"quit\"}");
                        return null;
                    }
                    case "failed" -> {
                        return info.path("error-desc").asText();
                    }
                    default -> Thread.sleep(50);
                }
            }
            return "timeout";
        }
    }

    private static JsonNode ask(BufferedReader in, OutputStream out, String command) throws IOException {
        out.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        while (true) {
            String line = in.readLine();
            if (line == null) {
                throw new IOException("the source's monitor closed after " + command);
            }
            JsonNode r = JSON.readTree(line);
            if (!r.has("event")) {
                return r;
            }
        }
    }

    /** Waits until the destination listens (probing by binding the port, which connects nobody). */
    private static void awaitListening(int port, long deadlineNanos) throws IOException, InterruptedException {
        while (true) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            } catch (IOException e) {
                return; // taken: the destination listens
            }
            if (System.nanoTime() > deadlineNanos) {
                throw new IOException("the destination does not listen on port " + port);
            }
            Thread.sleep(50);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
