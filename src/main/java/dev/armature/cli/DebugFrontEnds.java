package dev.armature.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.armature.gdbstub.GdbServer;
import dev.armature.machine.VirtBoard;
import dev.armature.monitor.QmpServer;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.Map;

/** Starts the GDB stub ({@code -s}, {@code -gdb}) and the QMP monitor ({@code -qmp}) and applies {@code -S}. */
final class DebugFrontEnds {
    private final GdbServer gdb;
    private final QmpServer qmp;

    private DebugFrontEnds(GdbServer gdb, QmpServer qmp) {
        this.gdb = gdb;
        this.qmp = qmp;
    }

    /**
     * @param gdb the {@code -gdb} device or null
     * @param qmp the {@code -qmp} device or null
     */
    static DebugFrontEnds start(VirtBoard board, String gdb, String qmp, boolean startStopped, PrintStream err)
            throws CliError {
        if (startStopped) {
            board.machine().control().startStopped();
        }
        GdbServer gdbServer = null;
        if (gdb != null) {
            try {
                gdbServer = GdbServer.listen(gdb, board.machine(), err);
            } catch (IllegalArgumentException e) {
                throw new CliError(e.getMessage(), 2);
            } catch (IOException e) {
                throw new CliError("-gdb " + gdb + ": cannot listen: " + e.getMessage());
            }
        }
        QmpServer server = null;
        if (qmp != null) {
            try {
                server = QmpServer.listen(qmpAddress(qmp), board.machine(), err);
            } catch (IOException e) {
                throw new CliError("-qmp " + qmp + ": cannot listen: " + e.getMessage());
            }
        }
        return new DebugFrontEnds(gdbServer, server);
    }

    /** The run ended with {@code status}: GDB gets W (exited), QMP clients get SHUTDOWN, the sockets go away. */
    void finished(int status) throws InterruptedException {
        if (gdb != null) {
            gdb.exited(status);
        }
        if (qmp != null) {
            qmp.broadcast("SHUTDOWN", JsonNodeFactory.instance.objectNode().put("guest", true)
                    .put("reason", "guest-shutdown"));
            qmp.close();
        }
    }

    private static SocketAddress qmpAddress(String spec) throws CliError {
        Map<String, String> o = QemuOpts.parse("-qmp", spec, "path");
        String path = o.getOrDefault("path", "");
        for (Map.Entry<String, String> e : o.entrySet()) {
            switch (e.getKey()) {
                case "path" -> { }
                case "server" -> {
                    if (!QemuOpts.bool("-qmp", "server", e.getValue())) {
                        throw new CliError("-qmp " + spec + ": only server=on is supported", 2);
                    }
                }
                case "wait" -> {
                    if (QemuOpts.bool("-qmp", "wait", e.getValue())) {
                        throw new CliError("-qmp " + spec + ": wait=on is not supported (use wait=off, and -S to "
                                + "hold the guest)", 2);
                    }
                }
                default -> throw new CliError("-qmp " + spec + ": unsupported option '" + e.getKey() + "'", 2);
            }
        }
        if (path.startsWith("unix:") && path.length() > 5) {
            return UnixDomainSocketAddress.of(path.substring(5));
        }
        if (path.startsWith("tcp:")) {
            String hp = path.substring(4);
            int colon = hp.lastIndexOf(':');
            try {
                String host = colon <= 0 ? "127.0.0.1" : hp.substring(0, colon);
                return new InetSocketAddress(host, Integer.parseInt(hp.substring(colon + 1)));
            } catch (NumberFormatException e) {
                throw new CliError("-qmp " + spec + ": bad port", 2);
            }
        }
        throw new CliError("-qmp " + spec + ": expected unix:PATH,server=on,wait=off or "
                + "tcp:HOST:PORT,server=on,wait=off", 2);
    }
}
