package dev.armature.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.armature.cli.InProcessEmulator;
import dev.armature.migration.Snapshot;
import dev.armature.testutil.RspClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** QMP over a Unix socket and TCP: greeting, negotiation, every command, errors, events, and run state shared with GDB. */
class QmpTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A QMP client that sets events aside while waiting for a command's answer. */
    private static final class Client implements AutoCloseable {
        final BufferedReader in;
        final OutputStream out;
        final java.io.Closeable socket;
        final List<String> events = new ArrayList<>();

        Client(SocketChannel ch) {
            socket = ch;
            in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            out = Channels.newOutputStream(ch);
        }

        Client(Socket s) throws IOException {
            socket = s;
            in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            out = s.getOutputStream();
        }

        JsonNode line() throws IOException {
            String l = in.readLine();
            assertNotNull(l, "QMP connection closed");
            return JSON.readTree(l);
        }

        void send(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        JsonNode ask(String command) throws IOException {
            send(command + "\n");
            while (true) {
                JsonNode r = line();
                if (!r.has("event")) {
                    return r;
                }
                assertTrue(r.get("timestamp").get("seconds").asLong() > 1_600_000_000L, r.toString());
                events.add(r.get("event").asText());
            }
        }

        JsonNode ret(String command) throws IOException {
            JsonNode r = ask(command);
            assertTrue(r.has("return"), command + " -> " + r);
            return r.get("return");
        }

        String status() throws IOException {
            return ret("{\"execute\":\"query-status\"}").get("status").asText();
        }

        String hmp(String line) throws IOException {
            return ret("{\"execute\":\"human-monitor-command\",\"arguments\":{\"command-line\":\"" + line + "\"}}")
                    .asText();
        }

        String errorClass(String command) throws IOException {
            JsonNode r = ask(command);
            assertTrue(r.has("error"), command + " -> " + r);
            assertTrue(r.get("error").get("desc").isTextual());
            return r.get("error").get("class").asText();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void commandsEventsAndRunStateSharedWithGdb(@TempDir Path dir) throws Exception {
        Path sock = dir.resolve("qmp.sock");
        int gdbPort = InProcessEmulator.freePort();
        try (InProcessEmulator emu = new InProcessEmulator("-display", "none", "-serial", "none", "-accel", "tcg",
                "-kernel", "guest/images/hang.flat", "-smp", "2", "-S", "-gdb", "tcp::" + gdbPort,
                "-qmp", "unix:" + sock + ",server=on,wait=off")) {
            awaitFile(sock);
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(sock));
            try (Client c = new Client(ch)) {
                JsonNode greeting = c.line();
                assertEquals(7, greeting.get("QMP").get("version").get("qemu").get("major").asInt());
                assertTrue(greeting.get("QMP").get("capabilities").isArray());

                assertEquals("CommandNotFound", c.errorClass("{\"execute\":\"query-status\"}"));
                assertEquals(0, c.ret("{\"execute\":\"qmp_capabilities\"}").size());
                assertEquals("CommandNotFound", c.errorClass("{\"execute\":\"qmp_capabilities\"}"));
                assertEquals("prelaunch", c.status());
                assertEquals(42, c.ask("{\"execute\":\"query-status\",\"id\":42}").get("id").asInt());

                // Errors keep the connection.
                assertEquals("GenericError", c.errorClass("{\"execute\": ]"));
                assertEquals("GenericError", c.errorClass("[1, 2]"));
                assertEquals("CommandNotFound", c.errorClass("{\"execute\":\"no-such-command\"}"));
                assertEquals("GenericError", c.errorClass("{\"execute\":\"stop\",\"arguments\":{\"now\":true}}"));
                assertEquals("GenericError", c.errorClass("{\"execute\":\"human-monitor-command\"}"));
                assertEquals(7, c.ret("{\"execute\":\"query-version\"}").get("qemu").get("major").asInt());

                List<String> names = new ArrayList<>();
                c.ret("{\"execute\":\"query-commands\"}").forEach(n -> names.add(n.get("name").asText()));
                assertTrue(names.containsAll(List.of("qmp_capabilities", "query-version", "query-commands",
                        "query-status", "stop", "cont", "system_reset", "system_powerdown", "quit",
                        "query-cpus-fast", "human-monitor-command", "migrate", "query-migrate")), names.toString());
                JsonNode cpus = c.ret("{\"execute\":\"query-cpus-fast\"}");
                assertEquals(2, cpus.size());
                assertEquals(1, cpus.get(1).get("cpu-index").asInt());

                // Stop and cont from QMP.
                c.ret("{\"execute\":\"cont\"}");
                assertEquals("running", c.status());
                assertTrue(c.hmp("x /4xw 0x40000000").contains("stop the machine first"));
                c.ret("{\"execute\":\"stop\"}");
                assertEquals("paused", c.status());
                assertEquals(List.of("RESUME", "STOP"), c.events);
                assertTrue(c.hmp("info registers").contains("PC=0000000040"));
                assertTrue(c.hmp("info registers -a").contains("CPU#1"));
                String words = c.hmp("x /2xw 0x40000000");
                assertTrue(words.startsWith("0000000040000000: 0x"), words);
                assertEquals(words, c.hmp("xp /2xw 0x40000000"));
                assertTrue(c.hmp("xp /2xg 0x40000000").matches("0000000040000000: 0x[0-9a-f]{16} 0x[0-9a-f]{16}\n"));
                assertTrue(c.hmp("info mtree").contains("(i/o): pl011"));
                assertTrue(c.hmp("info jit").contains("TB count"));
                assertTrue(c.hmp("info nonsense").contains("unknown"));
                c.ret("{\"execute\":\"cont\"}");

                // GDB's attach, continue and Ctrl-C show in query-status too.
                try (Socket g = new Socket("127.0.0.1", gdbPort)) {
                    RspClient rsp = new RspClient(g);
                    assertTrue(rsp.ask("?").startsWith("T"));
                    assertEquals("debug", c.status());
                    rsp.send("vCont;c");
                    Thread.sleep(100);
                    assertEquals("running", c.status());
                    g.getOutputStream().write(3);
                    assertTrue(rsp.receive().startsWith("T02"));
                    assertEquals("debug", c.status());
                    c.ret("{\"execute\":\"cont\"}"); // the monitor may resume what the debugger stopped
                    assertEquals("running", c.status());
                    c.ret("{\"execute\":\"stop\"}");
                    assertEquals("paused", c.status());
                    assertEquals("OK", rsp.ask("D"));
                }
                assertEquals("running", c.status()); // detaching lets the guest run

                c.events.clear();
                c.ret("{\"execute\":\"system_reset\"}");
                assertTrue(c.events.contains("RESET"), c.events.toString());
                c.ret("{\"execute\":\"system_powerdown\"}");
                List<String> last = new ArrayList<>();
                for (String l; (l = c.in.readLine()) != null; ) {
                    last.add(JSON.readTree(l).get("event").asText());
                }
                assertEquals(List.of("POWERDOWN", "SHUTDOWN"), last);
            }
            assertEquals(0, emu.awaitExit(30), emu.errors());
            assertFalse(Files.exists(sock));
        }
    }

    @Test
    void quitOverTcp() throws Exception {
        int port = InProcessEmulator.freePort();
        try (InProcessEmulator emu = new InProcessEmulator("-display", "none", "-serial", "none",
                "-kernel", "guest/images/hang.flat", "-qmp", "tcp:127.0.0.1:" + port + ",server=on,wait=off")) {
            InProcessEmulator.awaitListening(port);
            try (Client c = new Client(connect(port))) {
                assertTrue(c.line().has("QMP"));
                c.ret("{\"execute\":\"qmp_capabilities\"}");
                assertEquals("running", c.status());
                c.ret("{\"execute\":\"quit\"}");
                JsonNode e = c.line();
                assertEquals("SHUTDOWN", e.get("event").asText());
                assertEquals("host-qmp-quit", e.get("data").get("reason").asText());
            }
            assertEquals(0, emu.awaitExit(30), emu.errors());
        }
    }

    /** {@code migrate} to a file writes a snapshot that {@code -incoming} resumes; other URIs are refused. */
    @Test
    void migrateToAFileAndBackIn(@TempDir Path dir) throws Exception {
        Path snap = dir.resolve("vm.snap");
        int port = InProcessEmulator.freePort();
        try (InProcessEmulator emu = new InProcessEmulator("-display", "none", "-serial", "none", "-smp", "2",
                "-kernel", "guest/images/hang.flat", "-qmp", "tcp:127.0.0.1:" + port + ",server=on,wait=off")) {
            InProcessEmulator.awaitListening(port);
            try (Client c = new Client(connect(port))) {
                assertTrue(c.line().has("QMP"));
                c.ret("{\"execute\":\"qmp_capabilities\"}");
                assertEquals(0, c.ret("{\"execute\":\"migrate\",\"arguments\":{\"uri\":\"file:" + snap + "\"}}")
                        .size());
                assertEquals(List.of("MIGRATION", "MIGRATION"), c.events); // setup, completed
                assertEquals("running", c.status(), "the VM goes on after a snapshot");
                assertEquals(2, Snapshot.read(snap).config().smp());
                JsonNode other = c.ask("{\"execute\":\"migrate\",\"arguments\":{\"uri\":\"exec:cat\"}}");
                assertEquals("exec:cat: unsupported migration URI (use file:PATH or tcp:HOST:PORT)",
                        other.get("error").get("desc").asText());
                JsonNode port0 = c.ask("{\"execute\":\"migrate\",\"arguments\":{\"uri\":\"tcp:127.0.0.1:x\"}}");
                assertEquals("tcp:127.0.0.1:x: bad port 'x'", port0.get("error").get("desc").asText());
                Path nowhere = dir.resolve("no/dir/vm.snap");
                JsonNode bad = c.ask("{\"execute\":\"migrate\",\"arguments\":{\"uri\":\"file:" + nowhere + "\"}}");
                assertEquals("cannot write snapshot " + nowhere + ": no such directory",
                        bad.get("error").get("desc").asText());
                assertEquals("GenericError", c.errorClass("{\"execute\":\"migrate\"}"));
                assertEquals("'-incoming' was not specified on the command line", c.ask("{\"execute\":"
                        + "\"migrate-incoming\",\"arguments\":{\"uri\":\"file:" + snap + "\"}}").get("error")
                        .get("desc").asText());
                c.ret("{\"execute\":\"quit\"}");
            }
            assertEquals(0, emu.awaitExit(30), emu.errors());
        }
        int port2 = InProcessEmulator.freePort();
        try (InProcessEmulator emu = new InProcessEmulator("-display", "none", "-serial", "none", "-smp", "2",
                "-kernel", "guest/images/hang.flat", "-incoming", "file:" + snap,
                "-qmp", "tcp:127.0.0.1:" + port2 + ",server=on,wait=off")) {
            InProcessEmulator.awaitListening(port2);
            try (Client c = new Client(connect(port2))) {
                assertTrue(c.line().has("QMP"));
                c.ret("{\"execute\":\"qmp_capabilities\"}");
                String status = c.status();
                while (status.equals("inmigrate")) { // the monitor is up while the snapshot loads
                    Thread.sleep(20);
                    status = c.status();
                }
                assertEquals("running", status);
                c.ret("{\"execute\":\"quit\"}");
            }
            assertEquals(0, emu.awaitExit(30), emu.errors());
        }
    }

    /**
     * QMP input is a JSON stream, as in QEMU (replies checked against qemu-system-aarch64 7.2): several commands on
     * one line, one command over several lines, malformed JSON answered with a GenericError
     * {@code JSON parse error, ...} and the session going on, non-objects and objects without {@code execute}
     * refused.
     */
    @Test
    void inputIsAJsonStream() throws Exception {
        int port = InProcessEmulator.freePort();
        try (InProcessEmulator emu = new InProcessEmulator("-display", "none", "-serial", "none", "-S",
                "-kernel", "guest/images/hang.flat", "-qmp", "tcp:127.0.0.1:" + port + ",server=on,wait=off")) {
            InProcessEmulator.awaitListening(port);
            try (Client c = new Client(connect(port))) {
                assertTrue(c.line().has("QMP"));
                c.ret("{\"execute\":\"qmp_capabilities\"}");

                c.send("{\"execute\":\"query-status\",\"id\":1}{\"execute\":\"query-version\",\"id\":2} "
                        + "{\"execute\":\"query-status\",\"id\":3}\n");
                assertEquals("prelaunch", c.line().get("return").get("status").asText());
                JsonNode second = c.line();
                assertEquals(2, second.get("id").asInt());
                assertEquals(7, second.get("return").get("qemu").get("major").asInt());
                assertEquals(3, c.line().get("id").asInt());

                c.send("{\"execute\":\n  \"query-status\",\n");
                c.send("  \"id\": 7\n}\n");
                JsonNode spanned = c.line();
                assertEquals(7, spanned.get("id").asInt());
                assertEquals("prelaunch", spanned.get("return").get("status").asText());

                JsonNode bad = c.ask("{\"execute\": ]");
                assertEquals("GenericError", bad.get("error").get("class").asText());
                assertTrue(bad.get("error").get("desc").asText().startsWith("JSON parse error, "), bad.toString());
                JsonNode keyword = c.ask("foo");
                assertTrue(keyword.get("error").get("desc").asText().startsWith("JSON parse error, "), keyword.toString());
                // The rest of a malformed line is dropped; the next line is read afresh.
                c.send("{\"execute\": ] {\"execute\":\"query-status\",\"id\":8}\n{\"execute\":\"query-status\",\"id\":9}\n");
                assertTrue(c.line().has("error"));
                assertEquals(9, c.line().get("id").asInt());

                assertEquals("QMP input must be a JSON object", c.ask("[1, 2]").get("error").get("desc").asText());
                assertEquals("QMP input must be a JSON object", c.ask("\"str\"").get("error").get("desc").asText());
                assertEquals("QMP input lacks member 'execute'", c.ask("{\"id\": 4}").get("error").get("desc").asText());
                assertEquals(4, c.ask("{\"id\": 4}").get("id").asInt());
                assertEquals("QMP input member 'execute' must be a string",
                        c.ask("{\"execute\": 1}").get("error").get("desc").asText());
                assertEquals("prelaunch", c.status());
                c.ret("{\"execute\":\"quit\"}");
            }
            assertEquals(0, emu.awaitExit(30), emu.errors());
        }
    }

    /** RESET comes from the guest's PSCI SYSTEM_RESET too; with -no-reboot the guest's reset is a SHUTDOWN. */
    @Test
    void guestResetSendsResetAndWithNoRebootShutdown() throws Exception {
        int port = InProcessEmulator.freePort();
        try (InProcessEmulator emu = new InProcessEmulator("-display", "none", "-serial", "none", "-S",
                "-kernel", "guest/images/selftest.flat", "-append", "reset",
                "-qmp", "tcp:127.0.0.1:" + port + ",server=on,wait=off")) {
            InProcessEmulator.awaitListening(port);
            try (Client c = new Client(connect(port))) {
                assertTrue(c.line().has("QMP"));
                c.ret("{\"execute\":\"qmp_capabilities\"}");
                c.ret("{\"execute\":\"cont\"}");
                JsonNode e;
                do {
                    e = c.line();
                } while (!e.path("event").asText().equals("RESET"));
                assertEquals("{\"guest\":true,\"reason\":\"guest-reset\"}", e.get("data").toString());
                c.events.clear();
                c.ret("{\"execute\":\"system_reset\"}");
                assertTrue(c.events.contains("RESET"), c.events.toString());
                c.ret("{\"execute\":\"quit\"}");
            }
            assertEquals(0, emu.awaitExit(30), emu.errors());
        }
        int port2 = InProcessEmulator.freePort();
        try (InProcessEmulator emu = new InProcessEmulator("-display", "none", "-serial", "none", "-S", "-no-reboot",
                "-kernel", "guest/images/selftest.flat", "-append", "reset",
                "-qmp", "tcp:127.0.0.1:" + port2 + ",server=on,wait=off")) {
            InProcessEmulator.awaitListening(port2);
            try (Client c = new Client(connect(port2))) {
                assertTrue(c.line().has("QMP"));
                c.ret("{\"execute\":\"qmp_capabilities\"}");
                c.ret("{\"execute\":\"cont\"}");
                List<JsonNode> events = new ArrayList<>();
                for (String l; (l = c.in.readLine()) != null; ) {
                    events.add(JSON.readTree(l));
                }
                assertEquals("SHUTDOWN", events.getLast().get("event").asText(), events.toString());
                assertEquals("{\"guest\":true,\"reason\":\"guest-reset\"}", events.getLast().get("data").toString());
                assertEquals(1, events.stream().filter(x -> x.path("event").asText().equals("SHUTDOWN")).count());
            }
            assertEquals(0, emu.awaitExit(30), emu.errors());
        }
    }

    /** {@code -incoming defer}: the VM waits in {@code inmigrate} until {@code migrate-incoming} gives the URI. */
    @Test
    void incomingDeferWaitsForMigrateIncoming(@TempDir Path dir) throws Exception {
        Path snap = dir.resolve("vm.snap");
        int port = InProcessEmulator.freePort();
        try (InProcessEmulator emu = new InProcessEmulator("-display", "none", "-serial", "none",
                "-kernel", "guest/images/hang.flat", "-qmp", "tcp:127.0.0.1:" + port + ",server=on,wait=off")) {
            InProcessEmulator.awaitListening(port);
            try (Client c = new Client(connect(port))) {
                assertTrue(c.line().has("QMP"));
                c.ret("{\"execute\":\"qmp_capabilities\"}");
                c.ret("{\"execute\":\"migrate\",\"arguments\":{\"uri\":\"file:" + snap + "\"}}");
                JsonNode info = c.ret("{\"execute\":\"query-migrate\"}");
                assertEquals(0, info.size(), "a file snapshot is not a live migration: " + info);
                c.ret("{\"execute\":\"quit\"}");
            }
            assertEquals(0, emu.awaitExit(30), emu.errors());
        }
        int port2 = InProcessEmulator.freePort();
        try (InProcessEmulator emu = new InProcessEmulator("-display", "none", "-serial", "none",
                "-kernel", "guest/images/hang.flat", "-incoming", "defer",
                "-qmp", "tcp:127.0.0.1:" + port2 + ",server=on,wait=off")) {
            InProcessEmulator.awaitListening(port2);
            try (Client c = new Client(connect(port2))) {
                assertTrue(c.line().has("QMP"));
                c.ret("{\"execute\":\"qmp_capabilities\"}");
                assertEquals("inmigrate", c.status());
                Thread.sleep(200);
                assertEquals("inmigrate", c.status(), "nothing runs before migrate-incoming");
                JsonNode missing = c.ask("{\"execute\":\"migrate-incoming\",\"arguments\":{\"uri\":\"file:"
                        + dir.resolve("none.snap") + "\"}}");
                assertEquals(dir.resolve("none.snap") + ": no such file", missing.get("error").get("desc").asText());
                assertEquals("inmigrate", c.status(), "a refused URI leaves the VM waiting");
                c.ret("{\"execute\":\"migrate-incoming\",\"arguments\":{\"uri\":\"file:" + snap + "\"}}");
                assertEquals("running", c.status());
                assertEquals("The incoming migration has already been started", c.ask("{\"execute\":"
                        + "\"migrate-incoming\",\"arguments\":{\"uri\":\"file:" + snap + "\"}}").get("error")
                        .get("desc").asText());
                c.ret("{\"execute\":\"quit\"}");
            }
            assertEquals(0, emu.awaitExit(30), emu.errors());
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(30_000);
        return s;
    }

    private static void awaitFile(Path p) throws InterruptedException {
        for (int i = 0; i < 400 && !Files.exists(p); i++) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(p), "no QMP socket at " + p);
    }
}
