package dev.armature.testrunner;

import com.fasterxml.jackson.databind.JsonNode;
import dev.armature.monitor.QmpClient;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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
 * With {@link Transport#FILE} (an Armature extension, {@code groups = migration migration-file}) the source
 * writes a snapshot ({@code migrate "file:PATH"}) and ends; the destination, waiting with {@code -incoming defer}
 * and a QMP monitor, then loads it ({@code migrate-incoming}, which replies once the VM is restored) before its
 * key is pressed, so the restored UART cannot swallow the key. The log holds the source's console, then the
 * destination's.
 */
final class MigrationRun {
    /** What a test prints when it wants to be migrated (kvm-unit-tests' wording). */
    static final String PROMPT = "Now migrate the VM, then press a key to continue...";

    /** How the VM moves. */
    enum Transport {
        /** Live migration over a loopback socket. */
        TCP,
        /** A snapshot file the destination loads at start. */
        FILE
    }

    /** The destination after the migration, or why there is none. */
    record Result(Process destination, Path destinationLog, String failure) {
    }

    private MigrationRun() {
    }

    /**
     * Runs the source until it asks to be migrated, migrates it into a destination started alongside, and returns
     * the destination, running on with its key pressed. On failure both processes are ended.
     */
    static Result start(List<String> cmd, Path log, long deadlineNanos, Transport transport)
            throws IOException, InterruptedException {
        int[] ports = QmpClient.freePorts(3);
        int port = ports[0];
        int qmp = ports[1];
        int dstQmp = ports[2];
        Path dstLog = log.resolveSibling(log.getFileName() + ".destination");
        Path snapshot = snapshotFile(log);
        List<String> dstCmd = new ArrayList<>(cmd);
        if (transport == Transport.TCP) {
            dstCmd.addAll(List.of("-incoming", "tcp:127.0.0.1:" + port));
        } else {
            dstCmd.addAll(List.of("-incoming", "defer", "-qmp", "tcp:127.0.0.1:" + dstQmp + ",server=on,wait=off"));
        }
        Process dst = destination(dstCmd, dstLog);
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
            String error;
            if (transport == Transport.TCP) {
                awaitListening(port, deadlineNanos);
                error = migrate(qmp, "tcp:127.0.0.1:" + port, deadlineNanos);
            } else {
                error = migrate(qmp, "file:" + snapshot, deadlineNanos);
            }
            if (error != null) {
                return fail(dst, dstLog, "migration failed: " + error);
            }
            if (transport == Transport.FILE) {
                src.destroy(); // the snapshot holds the VM now; the source must not go on beside its copy
                src.waitFor();
                error = loadSnapshot(dstQmp, snapshot, deadlineNanos);
                if (error != null) {
                    return fail(dst, dstLog, "loading the snapshot failed: " + error);
                }
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

    /** The snapshot a {@link Transport#FILE} run passes on; the runner deletes it once the destination ended. */
    static Path snapshotFile(Path log) {
        return log.resolveSibling(log.getFileName() + ".snapshot");
    }

    private static Process destination(List<String> dstCmd, Path dstLog) throws IOException {
        return new ProcessBuilder(dstCmd).redirectErrorStream(true).redirectOutput(dstLog.toFile()).start();
    }

    private static Result fail(Process dst, Path dstLog, String why) throws InterruptedException {
        dst.destroyForcibly();
        dst.waitFor();
        return new Result(null, dstLog, why);
    }

    /**
     * Migrates through the source's monitor to {@code uri}; returns null when completed, else the error. A
     * {@code file:} migration has completed when {@code migrate} returns (it replies once the file is written).
     */
    private static String migrate(int qmp, String uri, long deadlineNanos) throws IOException, InterruptedException {
        try (QmpClient c = QmpClient.connect(qmp, deadlineNanos)) {
            JsonNode started = c.execute("migrate", QmpClient.uri(uri));
            if (started.has("error")) {
                return started.get("error").get("desc").asText();
            }
            if (uri.startsWith("file:")) {
                return null;
            }
            while (System.nanoTime() < deadlineNanos) {
                JsonNode info = c.execute("query-migrate", null).get("return");
                switch (info.path("status").asText()) {
                    case "completed" -> {
                        c.execute("quit", null);
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

    /** Has the destination's monitor load the snapshot; returns null once restored, else the error. */
    private static String loadSnapshot(int qmp, Path snapshot, long deadlineNanos)
            throws IOException, InterruptedException {
        try (QmpClient c = QmpClient.connect(qmp, deadlineNanos)) {
            JsonNode r = c.execute("migrate-incoming", QmpClient.uri("file:" + snapshot));
            return r.has("error") ? r.get("error").get("desc").asText() : null;
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
}
