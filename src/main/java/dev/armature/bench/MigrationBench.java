package dev.armature.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.armature.monitor.QmpClient;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Live migration figures ({@code bench/run migrate}): two {@code ./armature} processes on this host, the source
 * running guest/images/memload.flat (a working set written once, a hot part rewritten without pause), migrated
 * over loopback TCP with QMP {@code migrate}; prints {@code query-migrate}'s figures per run. Not a test.
 *
 * <pre>
 * bench/run migrate [--mem MIB] [--mib N] [--hot N] [--reps N] [--downtime-limit MS] [--smp N]
 * </pre>
 */
@Command(name = "bench/run migrate", description = {
        "Live migration between two ./armature processes over loopback TCP, the source running memload.flat: "
                + "query-migrate's figures per run.",
        "Run from the repository root."})
public final class MigrationBench extends BenchCommand {
    @Option(names = "--mem", paramLabel = "MIB", description = "guest RAM in MiB (default ${DEFAULT-VALUE})")
    int mem = 512;

    @Option(names = "--mib", paramLabel = "N", description = "MiB the guest writes once (default ${DEFAULT-VALUE})")
    int mib = 256;

    @Option(names = "--hot", paramLabel = "N",
            description = "MiB of those rewritten without pause (default ${DEFAULT-VALUE})")
    int hot = 16;

    @Option(names = "--reps", paramLabel = "N", description = "migrations (default ${DEFAULT-VALUE})")
    int reps = 3;

    @Option(names = "--downtime-limit", paramLabel = "MS",
            description = "migrate-set-parameters downtime-limit (default ${DEFAULT-VALUE})")
    long downtimeLimit = 300;

    @Option(names = "--smp", paramLabel = "N", description = "vCPUs (default ${DEFAULT-VALUE})")
    int smp = 1;

    public static void main(String[] args) {
        main(new MigrationBench(), args);
    }

    @Override
    void check() {
        requireAtLeast("--mem", mem, 1);
        requireAtLeast("--mib", mib, 1);
        require(hot >= 0 && hot <= mib, "--hot must be from 0 to --mib (" + mib + "), not " + hot);
        requireAtLeast("--reps", reps, 1);
        requireAtLeast("--downtime-limit", downtimeLimit, 0);
        requireAtLeast("--smp", smp, 1);
    }

    @Override
    int run() throws Exception {
        System.out.printf(Locale.ROOT, "guest: -m %dM -smp %d memload mib=%d hot=%d; downtime-limit %d ms%n", mem, smp,
                mib, hot, downtimeLimit);
        System.out.println("run  total-ms  downtime-ms  setup-ms  rounds  transferred-MiB  normal  duplicate  "
                + "dirty-pages/s  MB/s");
        for (int r = 1; r <= reps; r++) {
            JsonNode info = once();
            JsonNode ram = info.get("ram");
            System.out.printf(Locale.ROOT, "%3d  %8d  %11d  %8d  %6d  %15.1f  %6d  %9d  %13d  %5.0f%n", r,
                    info.get("total-time").asLong(), info.get("downtime").asLong(), info.get("setup-time").asLong(),
                    ram.get("dirty-sync-count").asLong(), ram.get("transferred").asLong() / 1048576.0,
                    ram.get("normal").asLong(), ram.get("duplicate").asLong(), ram.get("dirty-pages-rate").asLong(),
                    ram.get("mbps").asDouble() / 8);
        }
        return 0;
    }

    private List<String> command(String... more) {
        List<String> c = new ArrayList<>(List.of(GuestRuns.ARMATURE, "-display", "none", "-serial", "stdio", "-m",
                mem + "M", "-smp", String.valueOf(smp), "-kernel", "guest/images/memload.flat", "-append",
                "mib=" + mib + " hot=" + hot + " report=1000000"));
        c.addAll(List.of(more));
        return c;
    }

    /** One migration; returns query-migrate's completed answer. */
    private JsonNode once() throws Exception {
        int[] ports = QmpClient.freePorts(2);
        int port = ports[0];
        int qmp = ports[1];
        Path srcOut = Files.createTempFile("migrate-src", ".log");
        Path dstOut = Files.createTempFile("migrate-dst", ".log");
        Process dst = start(command("-incoming", "tcp:127.0.0.1:" + port), dstOut);
        Process src = start(command("-qmp", "tcp:127.0.0.1:" + qmp + ",server=on,wait=off"), srcOut);
        try {
            awaitConsole(srcOut, "MiB written", src);
            Thread.sleep(1000); // the hot set is being rewritten
            try (QmpClient c = QmpClient.connect(qmp, System.nanoTime() + 10_000_000_000L)) {
                checked(c, "migrate-set-parameters", QmpClient.arguments().put("downtime-limit", downtimeLimit));
                checked(c, "migrate", QmpClient.uri("tcp:127.0.0.1:" + port));
                while (true) {
                    Thread.sleep(50);
                    JsonNode info = checked(c, "query-migrate", null).get("return");
                    String status = info.get("status").asText();
                    if (status.equals("failed")) {
                        throw new IOException("migration failed: " + info.get("error-desc").asText());
                    }
                    if (status.equals("completed")) {
                        checked(c, "quit", null);
                        return info;
                    }
                }
            }
        } finally {
            src.destroy();
            dst.destroy();
            src.waitFor();
            dst.waitFor();
            Files.deleteIfExists(srcOut);
            Files.deleteIfExists(dstOut);
        }
    }

    private static Process start(List<String> command, Path log) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    }

    private static void awaitConsole(Path log, String text, Process p) throws Exception {
        while (!Files.readString(log).contains(text)) {
            if (!p.isAlive()) {
                throw new IOException("the source ended: " + Files.readString(log));
            }
            Thread.sleep(50);
        }
    }

    /** Runs a monitor command; an error reply is an IOException naming the command. */
    private static JsonNode checked(QmpClient c, String command, ObjectNode arguments) throws IOException {
        JsonNode r = c.execute(command, arguments);
        if (r.has("error")) {
            throw new IOException(command + " -> " + r);
        }
        return r;
    }
}
