package dev.armature.gdbstub;

import dev.armature.machine.Machine;

import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The GDB remote stub's listener ({@code -s}, {@code -gdb tcp:[HOST]:PORT}): accepts one debugger connection at
 * a time on a daemon thread and serves it with a {@link GdbSession}.
 */
public final class GdbServer {
    private final ServerSocket listener;
    private final Machine machine;
    private final PrintStream err;
    private volatile Integer exitStatus;
    private volatile boolean sessionWaiting;
    private final CountDownLatch exitReported = new CountDownLatch(1);

    private GdbServer(ServerSocket listener, Machine machine, PrintStream err) {
        this.listener = listener;
        this.machine = machine;
        this.err = err;
    }

    /**
     * Parses a {@code -gdb} device ({@code tcp::PORT}, {@code tcp:HOST:PORT}, or a bare port) and listens.
     *
     * @throws IllegalArgumentException for a malformed device
     * @throws IOException if the port cannot be bound
     */
    public static GdbServer listen(String device, Machine machine, PrintStream err) throws IOException {
        String spec = device.startsWith("tcp:") ? device.substring(4) : device;
        int colon = spec.lastIndexOf(':');
        String host = colon < 0 ? "" : spec.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(spec.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-gdb " + device + ": expected tcp::PORT or tcp:HOST:PORT");
        }
        if (port < 0 || port > 65535 || (!device.startsWith("tcp:") && colon >= 0)) {
            throw new IllegalArgumentException("-gdb " + device + ": expected tcp::PORT or tcp:HOST:PORT");
        }
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(host.isEmpty() ? InetAddress.getLoopbackAddress() : InetAddress.getByName(host),
                port));
        GdbServer server = new GdbServer(s, machine, err);
        Thread.ofPlatform().name("gdbstub").daemon(true).start(server::acceptLoop);
        return server;
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return listener.getLocalPort();
    }

    /**
     * The run ended with {@code status}: a debugger waiting for a stop gets {@code W} (exited) before the process
     * goes; waits up to a second for that.
     */
    public void exited(int status) throws InterruptedException {
        exitStatus = status;
        if (sessionWaiting) {
            exitReported.await(1, TimeUnit.SECONDS);
        }
    }

    /** The run's exit status once it has ended, else null. */
    Integer exitStatus() {
        return exitStatus;
    }

    /** A session is (or is no longer) waiting for the guest to stop. */
    void waiting(boolean on) {
        sessionWaiting = on;
    }

    /** A session has told its debugger that the run ended. */
    void exitReported() {
        exitReported.countDown();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try (Socket s = listener.accept()) {
                s.setTcpNoDelay(true);
                new GdbSession(new PacketIo(s), machine, this).serve();
            } catch (EOFException e) {
                // GDB went away: the session has let the guest run on; wait for the next one
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    err.println("armature: gdbstub: " + e.getMessage());
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
