package dev.armature.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.armature.machine.Machine;
import dev.armature.machine.MachineControl;
import dev.armature.migration.MigrationUri;
import dev.armature.migration.SnapshotException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * One QMP client: the greeting, capabilities negotiation, commands and events. Input is a stream of JSON objects
 * ({@link QmpInput}: several on a line or one over several lines); replies echo the command's {@code id}.
 * Malformed JSON answers a GenericError ({@code JSON parse error, ...}) and the session goes on.
 */
final class QmpSession implements MachineControl.Listener {
    static final List<String> COMMANDS = List.of("qmp_capabilities", "query-version", "query-commands",
            "query-status", "stop", "cont", "system_reset", "system_powerdown", "quit", "query-cpus-fast",
            "human-monitor-command", "migrate", "query-migrate", "migrate-set-parameters",
            "query-migrate-parameters", "migrate-incoming");

    private final SocketChannel channel;
    private final OutputStream out;
    private final Machine machine;
    private final MachineControl control;
    private final QmpServer server;
    private final ObjectMapper json = new ObjectMapper();
    private final HumanMonitor hmp;
    private volatile boolean negotiated;

    QmpSession(SocketChannel channel, Machine machine, QmpServer server) {
        this.channel = channel;
        this.out = Channels.newOutputStream(channel);
        this.machine = machine;
        this.control = machine.control();
        this.server = server;
        this.hmp = new HumanMonitor(machine);
    }

    void serve() throws IOException {
        ObjectNode greeting = json.createObjectNode();
        ObjectNode qmp = greeting.putObject("QMP");
        qmp.set("version", version());
        qmp.putArray("capabilities");
        send(greeting);
        control.addListener(this);
        server.sessions.add(this);
        try (InputStream in = Channels.newInputStream(channel)) {
            QmpInput input = new QmpInput(in, json);
            for (QmpInput.Item item = input.next(); item != null; item = input.next()) {
                if (item.error() != null) {
                    send(error(null, "GenericError", item.error()));
                } else {
                    handle(item.value());
                }
            }
        } finally {
            control.removeListener(this);
            server.sessions.remove(this);
        }
    }

    private void handle(JsonNode cmd) throws IOException {
        if (!cmd.isObject()) {
            send(error(null, "GenericError", "QMP input must be a JSON object"));
            return;
        }
        JsonNode id = cmd.get("id");
        JsonNode name = cmd.get("execute");
        if (name == null) {
            send(error(id, "GenericError", "QMP input lacks member 'execute'"));
            return;
        }
        if (!name.isTextual()) {
            send(error(id, "GenericError", "QMP input member 'execute' must be a string"));
            return;
        }
        JsonNode args = cmd.has("arguments") ? cmd.get("arguments") : json.createObjectNode();
        if (!args.isObject()) {
            send(error(id, "GenericError", "QMP input member 'arguments' must be an object"));
            return;
        }
        String command = name.asText();
        if (!negotiated && !command.equals("qmp_capabilities")) {
            send(error(id, "CommandNotFound", "Expecting capabilities negotiation with 'qmp_capabilities'"));
            return;
        }
        try {
            execute(command, args, id);
        } catch (IllegalArgumentException e) {
            send(error(id, "GenericError", e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private void execute(String command, JsonNode args, JsonNode id) throws IOException, InterruptedException {
        JsonNode result = json.createObjectNode();
        switch (command) {
            case "qmp_capabilities" -> {
                if (negotiated) {
                    send(error(id, "CommandNotFound", "Capabilities negotiation is already complete, command "
                            + "ignored"));
                    return;
                }
                noArguments(args);
                negotiated = true;
            }
            case "query-version" -> result = version();
            case "query-commands" -> {
                ArrayNode list = json.createArrayNode();
                COMMANDS.forEach(c -> list.addObject().put("name", c));
                result = list;
            }
            case "query-status" -> {
                MachineControl.Stop stop = control.currentStop();
                ObjectNode s = json.createObjectNode();
                String status = machine.inMigrate() ? "inmigrate" : machine.postMigrate() ? "postmigrate"
                        : stop == null ? "running" : switch (stop.reason()) {
                            case PRELAUNCH -> "prelaunch";
                            case MONITOR -> "paused";
                            default -> "debug";
                        };
                s.put("status", status);
                s.put("singlestep", false);
                s.put("running", status.equals("running"));
                result = s;
            }
            case "stop" -> {
                noArguments(args);
                control.pause(MachineControl.Reason.MONITOR);
            }
            case "cont" -> {
                noArguments(args);
                machine.continueAfterMigration(); // postmigrate: the source runs again, as QEMU allows
                if (!control.isRunning()) {
                    control.pause(MachineControl.Reason.MONITOR); // wait until fully stopped, then resume all
                    control.resumeAll();
                }
            }
            case "system_reset" -> {
                noArguments(args);
                machine.systemReset(false); // the machine's listener sends RESET
            }
            case "system_powerdown" -> {
                // No power button device: act as if the guest called PSCI SYSTEM_OFF.
                noArguments(args);
                send(json.createObjectNode().set("return", result));
                server.broadcast("POWERDOWN", null);
                server.broadcast("SHUTDOWN", json.createObjectNode().put("guest", false)
                        .put("reason", "host-qmp-system-powerdown"));
                machine.systemOff();
                return;
            }
            case "quit" -> {
                noArguments(args);
                send(json.createObjectNode().set("return", result));
                server.broadcast("SHUTDOWN", json.createObjectNode().put("guest", false)
                        .put("reason", "host-qmp-quit"));
                machine.exit(0);
                return;
            }
            case "query-cpus-fast" -> {
                ArrayNode list = json.createArrayNode();
                for (int i = 0; i < control.vcpuCount(); i++) {
                    ObjectNode c = list.addObject();
                    c.put("cpu-index", i);
                    c.put("qom-path", "/machine/unattached/device[" + i + "]");
                    c.put("target", "aarch64");
                    c.putObject("props").put("core-id", i).put("thread-id", 0).put("socket-id", 0);
                }
                result = list;
            }
            case "human-monitor-command" -> {
                JsonNode line = args.get("command-line");
                if (line == null || !line.isTextual()) {
                    throw new IllegalArgumentException("Parameter 'command-line' is missing or not a string");
                }
                try {
                    result = json.getNodeFactory().textNode(hmp.run(line.asText()));
                } catch (IllegalArgumentException e) {
                    result = json.getNodeFactory().textNode(e.getMessage() + "\n"); // HMP errors are output
                }
            }
            case "migrate" -> migrate(args);
            case "query-migrate" -> {
                noArguments(args);
                result = MigrationReport.queryMigrate(json, machine.migrationStatus().info());
            }
            case "migrate-set-parameters" -> machine.setMigrationParameters(
                    MigrationReport.parameters(args, machine.migrationParameters()));
            case "query-migrate-parameters" -> {
                noArguments(args);
                result = MigrationReport.queryParameters(json, machine.migrationParameters());
            }
            case "migrate-incoming" -> migrateIncoming(args);
            default -> {
                send(error(id, "CommandNotFound", "The command " + command + " has not been found"));
                return;
            }
        }
        ObjectNode reply = json.createObjectNode();
        reply.set("return", result);
        if (id != null) {
            reply.set("id", id);
        }
        send(reply);
    }

    /**
     * {@code migrate {"uri": ...}}. {@code file:PATH} writes a snapshot of the whole VM (pausing the vCPUs at an
     * instruction boundary) before replying; unlike QEMU the VM then goes on in the state it was in.
     * {@code tcp:HOST:PORT} starts a live migration and replies at once; {@code query-migrate} and the
     * {@code MIGRATION} events follow it.
     */
    private void migrate(JsonNode args) throws InterruptedException {
        MigrationUri uri = MigrationUri.parse(uriArgument(args, "detach")); // QEMU ignores detach too
        try {
            if (uri.file() != null) {
                server.broadcast("MIGRATION", json.createObjectNode().put("status", "setup"));
                try {
                    machine.saveSnapshot(uri.file());
                } catch (SnapshotException e) {
                    server.broadcast("MIGRATION", json.createObjectNode().put("status", "failed"));
                    throw e;
                }
                server.broadcast("MIGRATION", json.createObjectNode().put("status", "completed"));
            } else {
                machine.migrate(uri.address(), state -> server.broadcast("MIGRATION",
                        json.createObjectNode().put("status", state.qmpName())));
            }
        } catch (SnapshotException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    /**
     * {@code migrate-incoming {"uri": ...}} after {@code -incoming defer}: a file loads before the reply; a TCP
     * listener is bound before the reply and the migration is received in the background (a failed one ends the
     * run with status 1, as QEMU exits when an incoming migration fails).
     */
    private void migrateIncoming(JsonNode args) throws InterruptedException {
        MigrationUri uri = MigrationUri.parse(uriArgument(args));
        CompletableFuture<String> bound = new CompletableFuture<>();
        Thread.ofPlatform().daemon(true).name("migration-incoming").start(() -> {
            try {
                machine.incoming(uri, at -> bound.complete(null));
                bound.complete(null);
            } catch (SnapshotException e) {
                if (!bound.complete(e.getMessage())) {
                    server.err.println("armature: incoming migration failed: " + e.getMessage());
                    machine.exit(1);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            String refusal = bound.get();
            if (refusal != null) {
                throw new IllegalArgumentException(refusal);
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The string argument {@code uri}; other arguments than {@code uri} and {@code accepted} are refused. */
    private static String uriArgument(JsonNode args, String... accepted) {
        List<String> known = List.of(accepted);
        args.fieldNames().forEachRemaining(name -> {
            if (!name.equals("uri") && !known.contains(name)) {
                throw new IllegalArgumentException("Parameter '" + name + "' is unexpected");
            }
        });
        JsonNode uri = args.get("uri");
        if (uri == null || !uri.isTextual()) {
            throw new IllegalArgumentException("Parameter 'uri' is missing or not a string");
        }
        return uri.asText();
    }

    private static void noArguments(JsonNode args) {
        if (args.size() != 0) {
            throw new IllegalArgumentException("Parameter '" + args.fieldNames().next() + "' is unexpected");
        }
    }

    private ObjectNode version() {
        ObjectNode v = json.createObjectNode();
        v.putObject("qemu").put("major", 7).put("minor", 2).put("micro", 0);
        v.put("package", "Armature");
        return v;
    }

    private ObjectNode error(JsonNode id, String cls, String desc) {
        ObjectNode e = json.createObjectNode();
        e.putObject("error").put("class", cls).put("desc", desc);
        if (id != null) {
            e.set("id", id);
        }
        return e;
    }

    /** Sends an event if the client has negotiated capabilities. */
    void event(String name, JsonNode data) {
        if (!negotiated) {
            return;
        }
        java.time.Instant now = java.time.Instant.now();
        long micros = now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
        ObjectNode e = json.createObjectNode();
        e.putObject("timestamp").put("seconds", micros / 1_000_000).put("microseconds", micros % 1_000_000);
        e.put("event", name);
        if (data != null) {
            e.set("data", data);
        }
        try {
            send(e);
        } catch (IOException ignored) {
            // the client is gone; its reader ends the session
        }
    }

    /** Ends the session (the run is over). */
    void disconnect() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    private void send(JsonNode node) throws IOException {
        byte[] bytes = (json.writeValueAsString(node) + "\r\n").getBytes(StandardCharsets.UTF_8);
        synchronized (out) {
            out.write(bytes);
            out.flush();
        }
    }

    @Override
    public void stopped(MachineControl.Stop stop) {
        event("STOP", null);
    }

    @Override
    public void resumed() {
        event("RESUME", null);
    }
}
