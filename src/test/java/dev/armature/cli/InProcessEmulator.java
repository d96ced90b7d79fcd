package dev.armature.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** The {@code armature} command running on a thread of the test JVM, for tests that talk to its sockets. */
public final class InProcessEmulator implements AutoCloseable {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Thread thread;
    private volatile Integer status;

    public InProcessEmulator(String... args) {
        Main main = new Main(new ByteArrayInputStream(new byte[0]), out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        thread = Thread.ofPlatform().daemon(true).name("armature-under-test").start(() -> status = Main.run(main, args));
    }

    /** A TCP port that was free a moment ago. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Waits until something listens on localhost:{@code port} (probing by binding, which connects nobody). */
    public static void awaitListening(int port) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            } catch (IOException e) {
                return; // taken: the emulator listens
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("nothing listens on port " + port);
            }
            Thread.sleep(50);
        }
    }

    /** Waits for the run to end; returns its exit status, or null on timeout. */
    public Integer awaitExit(long seconds) throws InterruptedException {
        thread.join(TimeUnit.SECONDS.toMillis(seconds));
        return status;
    }

    public String console() {
        return out.toString(StandardCharsets.UTF_8);
    }

    public String errors() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
