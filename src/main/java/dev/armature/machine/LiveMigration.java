package dev.armature.machine;

import dev.armature.memory.DirtyLog;
import dev.armature.memory.PhysicalMemory;
import dev.armature.migration.MigrationParameters;
import dev.armature.migration.MigrationStatus;
import dev.armature.migration.RamPages;
import dev.armature.migration.RamState;
import dev.armature.migration.SnapshotException;
import dev.armature.migration.SnapshotWriter;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.function.Consumer;

/**
 * The source side of a live migration over TCP (pre-copy), run on a thread of its own while the vCPUs go on:
 *
 * <ol>
 * <li>connect, write the stream header, start the dirty log;</li>
 * <li>round 0: send every RAM page ({@link RamPages}); each further round harvests the dirty log and sends those
 *     pages, until the pages left could be sent within the downtime limit at the last round's bandwidth, or the
 *     round limit is reached;</li>
 * <li>stop and copy: with the vCPU threads stopped, harvest once more and send those pages, then the device,
 *     vCPU and MP-state sections and the trailer, and wait for the destination's verdict.</li>
 * </ol>
 *
 * The source stays stopped ({@code postmigrate}) only when the destination confirmed it has loaded the whole
 * stream; any failure (refused connection, destination gone or refusing the stream, no answer in time) leaves
 * the VM running as it was and the status {@code failed} with the reason.
 *
 * <p>The destination's verdict after the trailer: one byte, 0 = loaded, 1 = refused followed by a UTF message.
 */
final class LiveMigration {
    /** How long to wait for the destination to connect, and to check and apply the last sections. */
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final int VERDICT_TIMEOUT_MILLIS = 60_000;
    static final int VERDICT_LOADED = 0;
    static final int VERDICT_REFUSED = 1;

    private final Machine machine;
    private final MachineSnapshot codec;
    private final PhysicalMemory mem;
    private final MigrationStatus status;
    private final MigrationParameters parameters;
    private final InetSocketAddress destination;
    private final Consumer<MigrationStatus.State> events;

    LiveMigration(Machine machine, MachineSnapshot codec, PhysicalMemory mem, MigrationStatus status,
                  MigrationParameters parameters, InetSocketAddress destination,
                  Consumer<MigrationStatus.State> events) {
        this.machine = machine;
        this.codec = codec;
        this.mem = mem;
        this.status = status;
        this.parameters = parameters;
        this.destination = destination;
        this.events = events;
    }

    /** Runs the whole migration; the outcome is in the status (never throws). */
    void run() {
        DirtyLog log = mem.dirtyLog();
        Socket socket = new Socket();
        try {
            socket.connect(destination, CONNECT_TIMEOUT_MILLIS);
            socket.setTcpNoDelay(true);
            status.active();
            events.accept(MigrationStatus.State.ACTIVE);
            SnapshotWriter w = new SnapshotWriter(new BufferedOutputStream(socket.getOutputStream(), 1 << 16),
                    codec.config());
            RamPages.Sender sender = new RamPages.Sender(w, mem, status::sent);
            log.start();
            long t0 = System.nanoTime();
            long bytes0 = w.bytesWritten();
            sender.sendAll();
            w.flush();
            status.transferred(w.bytesWritten());
            for (int round = 1; ; round++) {
                long t1 = System.nanoTime();
                double seconds = Math.max((t1 - t0) / 1e9, 1e-6);
                double bandwidth = Math.max((w.bytesWritten() - bytes0) / seconds, 1); // bytes per second
                long dirty = log.dirtyCount();
                long expectedMillis = (long) (dirty * (RamState.PAGE_SIZE + 8) / bandwidth * 1000);
                status.round(dirty, (long) (dirty / seconds), expectedMillis);
                if (expectedMillis <= parameters.downtimeLimit() || round > parameters.maxIterations()) {
                    break;
                }
                t0 = t1;
                bytes0 = w.bytesWritten();
                long[] pages = log.harvest();
                status.dirtySync();
                sender.send(pages);
                w.flush();
                status.transferred(w.bytesWritten());
            }
            DataInputStream verdictIn = new DataInputStream(socket.getInputStream());
            socket.setSoTimeout(VERDICT_TIMEOUT_MILLIS);
            long[] downtime = new long[1];
            long stopping = System.nanoTime(); // downtime counts from the stop request: stopping takes time too
            machine.stopForMigration(() -> {
                long[] pages = log.harvest();
                status.dirtySync();
                sender.send(pages);
                codec.writeState(w, false);
                w.finish();
                status.transferred(w.bytesWritten());
                awaitVerdict(verdictIn);
                downtime[0] = (System.nanoTime() - stopping) / 1_000_000;
            });
            status.completed(downtime[0]);
            events.accept(MigrationStatus.State.COMPLETED);
        } catch (IOException | SnapshotException e) {
            String refusal = e instanceof IOException ? refusal(socket) : null; // the destination may have said why
            status.failed(refusal != null ? refusal : reason(e));
            events.accept(MigrationStatus.State.FAILED);
        } catch (InterruptedException e) {
            status.failed("interrupted");
            events.accept(MigrationStatus.State.FAILED);
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            status.failed("internal error: " + e);
            events.accept(MigrationStatus.State.FAILED);
        } finally {
            log.stop();
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing more to tell the destination
            }
        }
    }

    /** After a failed write: the refusal the destination sent before closing, if it sent one. */
    private static String refusal(Socket socket) {
        if (!socket.isConnected()) {
            return null;
        }
        try {
            socket.setSoTimeout(2_000);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            if (in.readUnsignedByte() == VERDICT_REFUSED) {
                return "the destination refused the stream: " + in.readUTF();
            }
        } catch (IOException e) {
            // no verdict: the connection just broke
        }
        return null;
    }

    private static void awaitVerdict(DataInputStream in) throws SnapshotException {
        try {
            int verdict = in.readUnsignedByte();
            if (verdict == VERDICT_REFUSED) {
                throw new SnapshotException("the destination refused the stream: " + in.readUTF());
            }
            if (verdict != VERDICT_LOADED) {
                throw new SnapshotException("the destination answered " + verdict + ", not a verdict");
            }
        } catch (EOFException e) {
            throw new SnapshotException("the destination closed the connection without confirming");
        } catch (SocketTimeoutException e) {
            throw new SnapshotException("the destination did not confirm within " + VERDICT_TIMEOUT_MILLIS / 1000
                    + " s");
        } catch (IOException e) {
            throw new SnapshotException("the destination did not confirm: " + e.getMessage(), e);
        }
    }

    private String reason(Exception e) {
        if (e instanceof ConnectException) {
            return "cannot connect to " + destination.getHostString() + ":" + destination.getPort() + ": "
                    + e.getMessage();
        }
        if (e instanceof SnapshotException) {
            return e.getMessage();
        }
        return "lost the connection to the destination: " + e.getMessage();
    }

    /** The destination's side: sends its verdict ({@code refusal} null when the stream was loaded). */
    static void sendVerdict(OutputStream out, String refusal) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        if (refusal == null) {
            d.writeByte(VERDICT_LOADED);
        } else {
            d.writeByte(VERDICT_REFUSED);
            d.writeUTF(refusal.length() > 1000 ? refusal.substring(0, 1000) : refusal);
        }
        d.flush();
    }
}
