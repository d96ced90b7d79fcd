package dev.armature.machine;

import dev.armature.devices.psci.PowerController;
import dev.armature.migration.MigrationParameters;
import dev.armature.migration.MigrationStatus;
import dev.armature.migration.SnapshotException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static dev.armature.machine.MachineSnapshotTest.assertSameState;
import static dev.armature.machine.MachineSnapshotTest.await;
import static dev.armature.machine.MachineSnapshotTest.capture;
import static dev.armature.machine.MachineSnapshotTest.counter;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Live migration over a loopback TCP socket between two VMs in this JVM, the source's vCPUs running (and dirtying
 * RAM) throughout pre-copy: the destination ends with the source's full architectural state; a failure at any
 * point (refused connection, destination gone mid-stream, corrupt stream) leaves the source running and the status
 * {@code failed} with the reason.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LiveMigrationTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private final List<VirtBoard> boards = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<MigrationStatus.State> events = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeBoards() throws InterruptedException {
        boards.forEach(b -> b.machine().exit(0));
        for (Thread t : threads) {
            t.join(10_000);
        }
        boards.forEach(VirtBoard::close);
    }

    private VirtBoard board(int gicVersion) throws BootException {
        VirtBoard b = MachineSnapshotTest.newBoard(4, gicVersion);
        boards.add(b);
        return b;
    }

    private void start(VirtBoard b) {
        threads.add(Thread.ofPlatform().daemon(true).start(() -> {
            try {
                b.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
    }

    /** CPUs 0-2 counting, CPU 3 off. */
    private VirtBoard runningGuest(int gicVersion) throws Exception {
        VirtBoard a = board(gicVersion);
        start(a);
        await(() -> counter(a, 0) > 1000 && counter(a, 1) > 1000 && counter(a, 2) > 1000);
        return a;
    }

    /** Accepts one connection on {@code listener} and receives a migration into {@code b}; the outcome lands in {@code result}. */
    private void receiveInto(VirtBoard b, ServerSocket listener, AtomicReference<Object> result) {
        threads.add(Thread.ofPlatform().daemon(true).start(() -> {
            try (listener; Socket s = listener.accept()) {
                b.machine().receiveMigration(s.getInputStream(), s.getOutputStream());
                result.set("loaded");
            } catch (SnapshotException | IOException | InterruptedException e) {
                result.set(e);
            }
        }));
    }

    private MigrationStatus.Info migrateAndWait(VirtBoard a, int port) throws Exception {
        a.machine().migrate(new InetSocketAddress(LOOPBACK, port), events::add);
        await(() -> !a.machine().migrationStatus().inProgress());
        return a.machine().migrationStatus().info();
    }

    @ParameterizedTest(name = "GICv{0}")
    @ValueSource(ints = {2, 3})
    void runningSmpGuestMigratesOverTcpWithTheSameArchitecturalState(int gicVersion) throws Exception {
        VirtBoard a = runningGuest(gicVersion);
        VirtBoard b = board(gicVersion);
        ServerSocket listener = new ServerSocket(0, 1, LOOPBACK);
        AtomicReference<Object> received = new AtomicReference<>();
        receiveInto(b, listener, received);

        MigrationStatus.Info info = migrateAndWait(a, listener.getLocalPort());
        assertEquals(MigrationStatus.State.COMPLETED, info.state(), "error: " + info.error());
        assertEquals(List.of(MigrationStatus.State.SETUP, MigrationStatus.State.ACTIVE,
                MigrationStatus.State.COMPLETED), events);
        await(() -> received.get() != null);
        assertEquals("loaded", received.get());
        assertTrue(a.machine().postMigrate(), "the source stays stopped after a completed migration");

        // The source is stopped and the destination not started: both states can be read and must be equal.
        Map<String, String> source = capture(a);
        assertSameState(source, capture(b), "destination VM");

        // Figures: all 32768 pages went once in round 0, most of them zero, and the counters' page went again.
        assertEquals(128L << 20, info.total());
        assertTrue(info.duplicate() > 30_000 && info.normal() > 1, info.toString());
        assertTrue(info.duplicate() + info.normal() > 32768, "dirty pages were sent again: " + info);
        assertTrue(info.dirtySyncCount() >= 1 && info.transferred() > info.normal() * 4096, info.toString());
        assertEquals(0, info.remaining());

        // The destination runs on from the migrated PCs; the source does not move; CPU 3 stays off.
        long[] saved = {counter(b, 0), counter(b, 1), counter(b, 2)};
        start(b);
        await(() -> counter(b, 0) > saved[0] + 1000 && counter(b, 1) > saved[1] + 1000
                && counter(b, 2) > saved[2] + 1000);
        assertEquals(PowerController.AFFINITY_OFF, b.machine().affinityInfo(3));
        assertEquals(saved[1], counter(a, 1), "the source is stopped");
        assertEquals(1, b.memory().read(0x4600_0000L, 8), "migrated, not booted");

        // QMP's cont after a migration runs the source again.
        a.machine().continueAfterMigration();
        assertFalse(a.machine().postMigrate());
        await(() -> counter(a, 1) > saved[1] + 1000);
    }

    /**
     * The vCPUs' stores reach the dirty log although the store fast path is not instrumented: the counters' page
     * is dirty in every round (each harvest drops the cached write entries, so the next store is seen again),
     * the image's code page, only read, never is.
     */
    @Test
    void runningVcpuStoresAreLoggedInEveryRound() throws Exception {
        VirtBoard a = runningGuest(2);
        var log = a.memory().dirtyLog();
        long counters = 0x4600_0000L;
        long code = a.bootPlan().blobs().stream().filter(x -> x.what().equals("kernel")).findFirst().orElseThrow()
                .address();
        log.start();
        try {
            for (int round = 0; round < 5; round++) {
                long c = counter(a, 1);
                await(() -> counter(a, 1) > c + 100);
                List<Long> pages = Arrays.stream(log.harvest()).boxed().toList();
                assertTrue(pages.contains(counters), "round " + round + ": " + pages);
                assertFalse(pages.contains(code), "round " + round + ": " + pages);
            }
        } finally {
            log.stop();
        }
    }

    @Test
    void refusedConnectionFailsAndTheSourceRunsOn() throws Exception {
        VirtBoard a = runningGuest(2);
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        MigrationStatus.Info info = migrateAndWait(a, port);
        assertEquals(MigrationStatus.State.FAILED, info.state());
        assertTrue(info.error().startsWith("cannot connect to "), info.error());
        assertEquals(List.of(MigrationStatus.State.SETUP, MigrationStatus.State.FAILED), events);
        assertRunsOn(a);
    }

    @Test
    void destinationClosingMidStreamFailsTheMigrationAndTheSourceRunsOn() throws Exception {
        VirtBoard a = runningGuest(2);
        ServerSocket listener = new ServerSocket(0, 1, LOOPBACK);
        threads.add(Thread.ofPlatform().daemon(true).start(() -> {
            try (listener; Socket s = listener.accept()) {
                s.getInputStream().readNBytes(64 << 10); // 64 KiB of the stream, then the destination "dies"
            } catch (IOException ignored) {
                // the test checks the source side
            }
        }));
        MigrationStatus.Info info = migrateAndWait(a, listener.getLocalPort());
        assertEquals(MigrationStatus.State.FAILED, info.state());
        assertTrue(info.error().startsWith("lost the connection to the destination")
                || info.error().startsWith("the destination closed the connection"), info.error());
        assertRunsOn(a);
    }

    @Test
    void corruptStreamIsRefusedByTheDestinationAndTheSourceRunsOn() throws Exception {
        VirtBoard a = runningGuest(2);
        VirtBoard b = board(2);
        ServerSocket listener = new ServerSocket(0, 1, LOOPBACK);
        AtomicReference<Object> received = new AtomicReference<>();
        receiveInto(b, listener, received);
        // A proxy that flips one bit 100 KiB into the stream (inside an early RAM_PAGES section).
        ServerSocket proxy = new ServerSocket(0, 1, LOOPBACK);
        threads.add(Thread.ofPlatform().daemon(true).start(() -> {
            try (proxy; Socket in = proxy.accept();
                 Socket out = new Socket(LOOPBACK, listener.getLocalPort())) {
                InputStream fromDestination = out.getInputStream();
                OutputStream toSource = in.getOutputStream();
                Thread back = Thread.ofPlatform().daemon(true).start(() -> copy(fromDestination, toSource, -1));
                copy(in.getInputStream(), out.getOutputStream(), 100 << 10);
                back.join();
            } catch (IOException | InterruptedException ignored) {
                // the test checks both ends
            }
        }));
        MigrationStatus.Info info = migrateAndWait(a, proxy.getLocalPort());
        assertEquals(MigrationStatus.State.FAILED, info.state());
        assertTrue(info.error().startsWith("the destination refused the stream: snapshot is corrupt: section "
                + "ram-pages"), info.error());
        await(() -> received.get() != null);
        assertInstanceOf(SnapshotException.class, received.get());
        assertRunsOn(a);
    }

    @Test
    void aSecondMigrationWhileOneIsInProgressIsRefused() throws Exception {
        VirtBoard a = runningGuest(2);
        ServerSocket listener = new ServerSocket(0, 1, LOOPBACK); // accepts nothing: the first one waits in the backlog
        a.machine().setMigrationParameters(new MigrationParameters(0, 1));
        a.machine().migrate(new InetSocketAddress(LOOPBACK, listener.getLocalPort()), events::add);
        SnapshotException e = assertThrows(SnapshotException.class,
                () -> a.machine().migrate(new InetSocketAddress(LOOPBACK, listener.getLocalPort()), s -> { }));
        assertEquals("There's a migration process in progress", e.getMessage());
        listener.close();
        await(() -> !a.machine().migrationStatus().inProgress());
        assertEquals(MigrationStatus.State.FAILED, a.machine().migrationStatus().info().state());
        assertRunsOn(a);
    }

    private static void assertRunsOn(VirtBoard a) throws InterruptedException {
        assertFalse(a.machine().postMigrate());
        long c = counter(a, 1);
        await(() -> counter(a, 1) > c + 1000);
    }

    /** Copies until EOF, flipping bit 0 of the byte at {@code flipAt} (if not negative). */
    private static void copy(InputStream in, OutputStream out, long flipAt) {
        byte[] buf = new byte[8192];
        long pos = 0;
        try (out) {
            for (int n; (n = in.read(buf)) > 0; pos += n) {
                if (flipAt >= pos && flipAt < pos + n) {
                    buf[(int) (flipAt - pos)] ^= 1;
                }
                out.write(buf, 0, n);
            }
        } catch (IOException ignored) {
            // one side closed
        }
    }
}
