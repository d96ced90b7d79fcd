package dev.armature.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A QMP client over a loopback TCP port, for Armature's own tools that drive another emulator process (the
 * guest test runner's migrations, the migration benchmark): connects (waiting while the emulator starts),
 * negotiates capabilities, and runs commands one at a time, setting events aside.
 */
public final class QmpClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    private QmpClient(Socket socket) throws IOException {
        this.socket = socket;
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
    }

    /**
     * Connects to the monitor on loopback {@code port}, retrying until {@code deadlineNanos} while nothing
     * listens yet, reads the greeting and enters command mode ({@code qmp_capabilities}).
     */
    public static QmpClient connect(int port, long deadlineNanos) throws IOException, InterruptedException {
        while (true) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
                s.setSoTimeout(60_000);
                QmpClient c = new QmpClient(s);
                c.in.readLine(); // greeting
                c.execute("qmp_capabilities", null);
                return c;
            } catch (IOException e) {
                s.close();
                if (System.nanoTime() > deadlineNanos) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    /**
     * Runs {@code command} with {@code arguments} (null for none) and returns the reply, {@code return} or
     * {@code error}; events that arrive first are skipped.
     *
     * @throws IOException if the monitor closes the connection first
     */
    public JsonNode execute(String command, ObjectNode arguments) throws IOException {
        ObjectNode request = JSON.createObjectNode().put("execute", command);
        if (arguments != null) {
            request.set("arguments", arguments);
        }
        out.write((request + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        while (true) {
            String line = in.readLine();
            if (line == null) {
                throw new IOException("the monitor closed after " + command);
            }
            JsonNode r = JSON.readTree(line);
            if (!r.has("event")) {
                return r;
            }
        }
    }

    /** {@code {"uri": uri}}, the arguments of {@code migrate} and {@code migrate-incoming}. */
    public static ObjectNode uri(String uri) {
        return JSON.createObjectNode().put("uri", uri);
    }

    /** A new empty arguments object. */
    public static ObjectNode arguments() {
        return JSON.createObjectNode();
    }

    /**
     * {@code n} distinct free loopback ports for monitors and migration listeners: all are held open together
     * while chosen, so none is handed out twice.
     */
    public static int[] freePorts(int n) throws IOException {
        ServerSocket[] held = new ServerSocket[n];
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                held[i] = new ServerSocket(0);
                ports[i] = held[i].getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : held) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
