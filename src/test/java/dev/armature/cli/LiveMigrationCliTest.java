package dev.armature.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Live migration between two {@code armature} runs as a user drives it: the destination started with
 * {@code -incoming tcp:127.0.0.1:PORT}, the source told {@code migrate} over QMP while the translator stress test
 * (guest/unittests.cfg's tcg-tight-irq: 4 vCPUs, block chaining, IPIs counted) runs. The test finishes on the
 * destination with zero errors and every IPI received.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class LiveMigrationCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Events the source sent, as NAME or NAME:status. */
    private final List<String> events = new ArrayList<>();

    /**
     * The stress test with enough rounds (seconds of guest time, even on a fast host) that the migration lands
     * mid-run: a source that finishes first closes its monitor before {@code query-migrate}.
     */
    private static String[] tcgTest(String... more) {
        List<String> args = new ArrayList<>(List.of("-display", "none", "-serial", "stdio", "-smp", "4",
                "-kernel", "guest/images/tcg-test.flat", "-append", "tight irq check_irq rounds=3000",
                "-device", "virtio-serial-device", "-device", "virtconsole,chardev=ctd",
                "-chardev", "testdev,id=ctd"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void translatorStressTestWithIpisMigratesMidRunAndPassesOnTheDestination() throws Exception {
        int port = InProcessEmulator.freePort();
        int qmpPort = InProcessEmulator.freePort();
        try (InProcessEmulator dst = new InProcessEmulator(tcgTest("-incoming", "tcp:127.0.0.1:" + port));
             InProcessEmulator src = new InProcessEmulator(tcgTest("-qmp",
                     "tcp:127.0.0.1:" + qmpPort + ",server=on,wait=off"))) {
            InProcessEmulator.awaitListening(port);
            InProcessEmulator.awaitListening(qmpPort);
            // Migrate once every CPU runs the shapes (CPU3 prints its pattern after being powered on).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!src.console().contains("CPU3: pattern")) {
                assertTrue(System.nanoTime() < deadline, "the test did not start: " + src.console() + src.errors());
                Thread.sleep(50);
            }
            Thread.sleep(500);
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", qmpPort), 5000);
                s.setSoTimeout(60_000);
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                OutputStream out = s.getOutputStream();
                assertTrue(JSON.readTree(in.readLine()).has("QMP"));
                ask(in, out, "{\"execute\":\"qmp_capabilities\"}");
                JsonNode params = ask(in, out, "{\"execute\":\"query-migrate-parameters\"}");
                assertEquals(300, params.get("return").get("downtime-limit").asInt());
                ask(in, out, "{\"execute\":\"migrate\",\"arguments\":{\"uri\":\"tcp:127.0.0.1:" + port + "\"}}");
                JsonNode info;
                do {
                    Thread.sleep(100);
                    info = ask(in, out, "{\"execute\":\"query-migrate\"}").get("return");
                } while (!info.get("status").asText().equals("completed") && !info.get("status").asText().equals("failed"));
                assertEquals("completed", info.get("status").asText(), info.toString());
                JsonNode ram = info.get("ram");
                assertEquals(128L << 20, ram.get("total").asLong());
                assertEquals(0, ram.get("remaining").asLong());
                assertTrue(ram.get("duplicate").asLong() + ram.get("normal").asLong() >= 32768, info.toString());
                assertTrue(ram.get("dirty-sync-count").asLong() >= 1, info.toString());
                assertTrue(info.get("downtime").asLong() <= info.get("total-time").asLong(), info.toString());
                assertEquals("postmigrate", ask(in, out, "{\"execute\":\"query-status\"}").get("return")
                        .get("status").asText());
                assertTrue(events.contains("MIGRATION:setup") && events.contains("MIGRATION:active")
                        && events.contains("MIGRATION:completed") && events.contains("STOP"), events.toString());
                ask(in, out, "{\"execute\":\"quit\"}");
            }
            assertNotNull(src.awaitExit(30), "the source quits");

            Integer status = dst.awaitExit(500);
            String console = dst.console();
            assertNotNull(status, "the destination finishes the test: " + console + dst.errors());
            assertFalse(console.contains("FAIL"), console);
            assertTrue(console.contains("0 wrong path checksums"), console);
            Matcher ipis = Pattern.compile("(\\d+) IPIs sent, (\\d+) received").matcher(console);
            assertTrue(ipis.find(), console);
            assertEquals(ipis.group(1), ipis.group(2), console);
            assertTrue(Integer.parseInt(ipis.group(1)) > 0, console);
            assertTrue(console.contains("EXIT: STATUS=1"), console);
            assertFalse(console.contains("CPU0: pattern"), "the destination did not boot the test again: " + console);
        }
    }

    /** Sends a command, returns its reply (events set aside in {@link #events}). */
    private JsonNode ask(BufferedReader in, OutputStream out, String command) throws IOException {
        out.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        while (true) {
            JsonNode r = JSON.readTree(in.readLine());
            if (r.has("event")) {
                String status = r.path("data").path("status").asText();
                events.add(r.get("event").asText() + (status.isEmpty() ? "" : ":" + status));
            } else {
                assertFalse(r.has("error"), command + " -> " + r);
                return r;
            }
        }
    }
}
