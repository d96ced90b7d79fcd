package dev.armature.monitor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.armature.machine.Machine;
import dev.armature.machine.MachineControl;
import dev.armature.migration.SnapshotException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * One QMP client: the greeting, capabilities negotiation, commands (one JSON object per line) and events.
 * Replies echo the command's {@code id}. A malformed line answers a GenericError and the session goes on.
 */
final class QmpSession implements MachineControl.Listener {
    static final List<String> COMMANDS = List.of("qmp_capabilities", "query-version", "query-commands",
            "query-status", "stop", "cont", "system_reset", "system_powerdown", "quit", "query-cpus-fast",
            "human-monitor-command", "migrate");

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
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isBlank()) {
                    handle(line);
                }
            }
        } finally {
            control.removeListener(this);
            server.sessions.remove(this);
        }
    }

    private void handle(String line) throws IOException {
        JsonNode cmd;
        try {
            cmd = json.readTree(line);
        } catch (JsonProcessingException e) {
            send(error(null, "GenericError", "JSON parse error: " + e.getOriginalMessage()));
            return;
        }
        JsonNode id = cmd.get("id");
        JsonNode name = cmd.get("execute");
        if (!cmd.isObject() || name == null || !name.isTextual()) {
            send(error(id, "GenericError", "QMP input must be an object with a string member 'execute'"));
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
                s.put("status", stop == null ? "running" : switch (stop.reason()) {
                    case PRELAUNCH -> "prelaunch";
                    case MONITOR -> "paused";
                    default -> "debug";
                });
                s.put("singlestep", false);
                s.put("running", stop == null);
                result = s;
            }
            case "stop" -> {
                noArguments(args);
                control.pause(MachineControl.Reason.MONITOR);
            }
            case "cont" -> {
                noArguments(args);
                if (!control.isRunning()) {
                    control.pause(MachineControl.Reason.MONITOR); // wait until fully stopped, then resume all
                    control.resumeAll();
                }
            }
            case "system_reset" -> {
                noArguments(args);
                machine.systemReset();
                server.broadcast("RESET", json.createObjectNode().put("guest", false).put("reason", "host-qmp"));
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
            case "migrate" -> {
                migrate(args);
                server.broadcast("MIGRATION", json.createObjectNode().put("status", "completed"));
            }
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
     * {@code migrate {"uri": "file:PATH"}}: writes a snapshot of the whole VM (pausing the vCPUs at an instruction
     * boundary) before replying. Unlike QEMU the VM then goes on in the state it was in: running, or stopped
     * after a {@code stop}. Other URI schemes need live migration, which is not implemented yet.
     */
    private void migrate(JsonNode args) throws InterruptedException {
        args.fieldNames().forEachRemaining(name -> {
            if (!name.equals("uri") && !name.equals("detach")) {
                throw new IllegalArgumentException("Parameter '" + name + "' is unexpected");
            }
        });
        JsonNode uri = args.get("uri");
        if (uri == null || !uri.isTextual()) {
            throw new IllegalArgumentException("Parameter 'uri' is missing or not a string");
        }
        String u = uri.asText();
        if (!u.startsWith("file:") || u.length() == "file:".length()) {
            throw new IllegalArgumentException("migrate " + u + ": only file:PATH is supported (live migration is "
                    + "not implemented yet)");
        }
        try {
            machine.saveSnapshot(Path.of(u.substring("file:".length())));
        } catch (SnapshotException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
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
