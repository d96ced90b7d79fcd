package dev.armature.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.armature.machine.Machine;

import java.io.IOException;
import java.io.PrintStream;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The QMP listener ({@code -qmp unix:PATH,server=on,wait=off} or {@code -qmp tcp:HOST:PORT,server=on,wait=off}):
 * serves each client on its own daemon thread.
 */
public final class QmpServer {
    final List<QmpSession> sessions = new CopyOnWriteArrayList<>();
    private final ServerSocketChannel listener;
    private final Machine machine;
    final PrintStream err;
    private volatile boolean shutdownSent;

    private QmpServer(ServerSocketChannel listener, Machine machine, PrintStream err) {
        this.listener = listener;
        this.machine = machine;
        this.err = err;
    }

    /** Listens on {@code address} (a Unix socket path is replaced if it exists). */
    public static QmpServer listen(SocketAddress address, Machine machine, PrintStream err) throws IOException {
        ServerSocketChannel ch;
        if (address instanceof UnixDomainSocketAddress u) {
            Files.deleteIfExists(u.getPath());
            ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        } else {
            ch = ServerSocketChannel.open();
        }
        ch.bind(address);
        QmpServer server = new QmpServer(ch, machine, err);
        machine.addRunStateListener(server.new Events());
        Thread.ofPlatform().name("qmp").daemon(true).start(server::acceptLoop);
        return server;
    }

    /** The bound address (the port chosen for port 0). */
    public SocketAddress address() throws IOException {
        return listener.getLocalAddress();
    }

    /** Sends an event to every negotiated client (also for guest-initiated shutdowns). */
    public void broadcast(String event, JsonNode data) {
        if (event.equals("SHUTDOWN")) {
            if (shutdownSent) {
                return; // a monitor command already announced it; the run ending now is its consequence
            }
            shutdownSent = true;
        }
        for (QmpSession s : sessions) {
            s.event(event, data);
        }
    }

    /** The machine's run-state changes as QMP events (QEMU's names, {@code guest} and {@code reason} data). */
    private final class Events implements Machine.RunStateListener {
        @Override
        public void reset(boolean guest) {
            broadcast("RESET", JsonNodeFactory.instance.objectNode().put("guest", guest)
                    .put("reason", guest ? "guest-reset" : "host-qmp-system-reset"));
        }

        @Override
        public void shutdown(boolean guest, String reason) {
            broadcast("SHUTDOWN", JsonNodeFactory.instance.objectNode().put("guest", guest).put("reason", reason));
        }

        @Override
        public void stopped() {
            broadcast("STOP", null);
        }

        @Override
        public void resumed() {
            broadcast("RESUME", null);
        }
    }

    /** Stops listening, disconnects every client and removes the Unix socket file, if any. */
    public void close() {
        for (QmpSession s : sessions) {
            s.disconnect();
        }
        try {
            SocketAddress a = listener.getLocalAddress();
            listener.close();
            if (a instanceof UnixDomainSocketAddress u) {
                Files.deleteIfExists(u.getPath());
            }
        } catch (IOException ignored) {
            // best effort at exit
        }
    }

    private void acceptLoop() {
        while (listener.isOpen()) {
            try {
                SocketChannel client = listener.accept();
                Thread.ofPlatform().name("qmp-client").daemon(true).start(() -> {
                    try (client) {
                        new QmpSession(client, machine, this).serve();
                    } catch (IOException e) {
                        // client gone
                    }
                });
            } catch (IOException e) {
                if (listener.isOpen()) {
                    err.println("armature: qmp: " + e.getMessage());
                }
                return;
            }
        }
    }

}
