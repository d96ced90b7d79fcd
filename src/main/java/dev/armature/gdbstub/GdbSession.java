package dev.armature.gdbstub;

import dev.armature.machine.Machine;
import dev.armature.machine.MachineControl;
import dev.armature.machine.MachineControl.Action;
import dev.armature.machine.MachineControl.Stop;
import dev.armature.machine.MachineControl.WatchKind;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One GDB connection: answers packets while the machine is stopped, resumes it for {@code c}/{@code s}/
 * {@code vCont} and waits for the next all-stop (or GDB's Ctrl-C) before replying with a stop reply. vCPUs are
 * threads with ids index + 1. Memory is accessed through the selected vCPU's current translation regime, or as
 * physical memory after {@code maint packet Qqemu.PhyMemMode:1} (as with QEMU).
 */
final class GdbSession {
    private static final int SIGINT = 2;
    private static final int SIGTRAP = 5;
    private static final int PACKET_SIZE = 0x4000;
    private static final HexFormat HEX = HexFormat.of();

    private final PacketIo io;
    private final Machine machine;
    private final MachineControl control;
    private final GdbServer server;
    private int gThread; // vCPU index for register and memory access (Hg)
    private int cThread = -1; // vCPU index for c/s (Hc); -1 = all
    private boolean physical;

    GdbSession(PacketIo io, Machine machine, GdbServer server) {
        this.io = io;
        this.server = server;
        this.machine = machine;
        this.control = machine.control();
    }

    /** Serves packets until GDB detaches, kills or disconnects. */
    void serve() throws IOException, InterruptedException {
        Stop last = control.pause(MachineControl.Reason.REQUEST);
        try {
            while (true) {
                String p = io.read();
                if (p.equals(PacketIo.INTERRUPT)) {
                    continue; // already stopped
                }
                if (p.equals("D") || p.startsWith("D;")) {
                    letGo(); // before the reply: once GDB has it, the guest runs
                    io.send("OK");
                    return;
                }
                if (p.equals("k")) {
                    machine.exit(0);
                    return;
                }
                String reply;
                try {
                    reply = switch (p.isEmpty() ? ' ' : p.charAt(0)) {
                        case '?' -> stopReply(last, SIGTRAP);
                        case 'c', 'C', 's', 'S' -> {
                            last = resume(p);
                            yield null;
                        }
                        case 'v' -> {
                            if (p.startsWith("vCont;")) {
                                last = resume(p);
                                yield null;
                            }
                            yield p.equals("vCont?") ? "vCont;c;C;s;S" : "";
                        }
                        default -> answer(p);
                    };
                } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
                    reply = "E01"; // malformed packet (found before anything was resumed or changed)
                }
                if (reply != null) {
                    io.send(reply);
                }
            }
        } finally {
            letGo();
        }
    }

    /** Detach or disconnect: drop our breakpoints and watchpoints and let the guest run on (as QEMU does). */
    private void letGo() {
        control.clearDebugPoints();
        if (control.isStopped()) {
            control.resumeAll();
        }
    }

    /** Packets answered without running the guest. */
    private String answer(String p) {
        try {
            return switch (p.charAt(0)) {
                case 'g' -> Registers.readAll(control.cpu(gThread));
                case 'G' -> Registers.writeAll(control.cpu(gThread), p.substring(1)) ? "OK" : "E01";
                case 'p' -> {
                    String r = Registers.read(control.cpu(gThread), Integer.parseInt(p.substring(1), 16));
                    yield r == null ? "E01" : r;
                }
                case 'P' -> {
                    int eq = p.indexOf('=');
                    yield Registers.write(control.cpu(gThread), Integer.parseInt(p.substring(1, eq), 16),
                            p.substring(eq + 1)) ? "OK" : "E01";
                }
                case 'm' -> readMemory(p.substring(1));
                case 'M', 'X' -> writeMemory(p);
                case 'Z', 'z' -> point(p);
                case 'H' -> selectThread(p);
                case 'T' -> validThread(p.substring(1)) >= 0 ? "OK" : "E01";
                case 'q', 'Q' -> query(p);
                default -> "";
            };
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return "E01"; // malformed packet (bad number, bad hex, missing field)
        }
    }

    private String query(String p) {
        if (p.startsWith("qSupported")) {
            return "PacketSize=" + Integer.toHexString(PACKET_SIZE)
                    + ";qXfer:features:read+;vContSupported+;QStartNoAckMode+";
        }
        if (p.equals("QStartNoAckMode")) {
            try {
                io.send("OK");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            io.noAckMode();
            return null;
        }
        if (p.startsWith("qXfer:features:read:")) {
            return features(p.substring("qXfer:features:read:".length()));
        }
        if (p.equals("qfThreadInfo")) {
            StringBuilder s = new StringBuilder("m");
            for (int i = 0; i < control.vcpuCount(); i++) {
                s.append(i == 0 ? "" : ",").append(Integer.toHexString(i + 1));
            }
            return s.toString();
        }
        if (p.equals("qsThreadInfo")) {
            return "l";
        }
        if (p.equals("qC")) {
            return "QC" + Integer.toHexString(gThread + 1);
        }
        if (p.startsWith("qThreadExtraInfo,")) {
            int t = validThread(p.substring("qThreadExtraInfo,".length()));
            String text = "CPU#" + t + (control.cpu(t) == null ? " [off]" : "");
            return HEX.formatHex(text.getBytes(StandardCharsets.US_ASCII));
        }
        if (p.equals("qAttached")) {
            return "1";
        }
        if (p.startsWith("Qqemu.PhyMemMode:")) {
            physical = p.endsWith(":1");
            return "OK";
        }
        if (p.equals("qqemu.PhyMemMode")) {
            return physical ? "1" : "0";
        }
        return "";
    }

    /** {@code qXfer:features:read:ANNEX:OFFSET,LENGTH}. */
    private String features(String args) {
        int colon = args.indexOf(':');
        if (!args.substring(0, colon).equals("target.xml")) {
            return "E00";
        }
        String[] ol = args.substring(colon + 1).split(",");
        int offset = Integer.parseInt(ol[0], 16);
        int length = Integer.parseInt(ol[1], 16);
        String xml = TargetDescription.XML;
        if (offset >= xml.length()) {
            return "l";
        }
        int end = Math.min(xml.length(), offset + length);
        return (end == xml.length() ? "l" : "m") + xml.substring(offset, end);
    }

    private String readMemory(String args) {
        String[] al = args.split(",");
        long addr = Long.parseUnsignedLong(al[0], 16);
        int len = Math.min(Integer.parseInt(al[1], 16), PACKET_SIZE / 2);
        try {
            return HEX.formatHex(control.readMemory(gThread, addr, len, physical));
        } catch (IllegalStateException e) {
            return "E14";
        }
    }

    /** {@code M addr,len:hex} or {@code X addr,len:binary}. */
    private String writeMemory(String p) {
        int colon = p.indexOf(':');
        String[] al = p.substring(1, colon).split(",");
        long addr = Long.parseUnsignedLong(al[0], 16);
        int len = Integer.parseInt(al[1], 16);
        String data = p.substring(colon + 1);
        byte[] bytes = p.charAt(0) == 'M' ? HEX.parseHex(data) : data.getBytes(StandardCharsets.ISO_8859_1);
        if (bytes.length != len) {
            return "E01";
        }
        try {
            control.writeMemory(gThread, addr, bytes, physical);
            return "OK";
        } catch (IllegalStateException e) {
            return "E14";
        }
    }

    /** {@code Z/z TYPE,ADDR,KIND}: breakpoints (0 software, 1 hardware: both compare the PC) and watchpoints. */
    private String point(String p) {
        boolean insert = p.charAt(0) == 'Z';
        String[] f = p.substring(1).split("[,;]");
        int type = Integer.parseInt(f[0]);
        long addr = Long.parseUnsignedLong(f[1], 16);
        long len = Long.parseLong(f[2], 16);
        if (type == 0 || type == 1) {
            if (insert) {
                control.addBreakpoint(addr);
            } else {
                control.removeBreakpoint(addr);
            }
            return "OK";
        }
        if (type > 4) {
            return "";
        }
        WatchKind kind = switch (type) {
            case 2 -> WatchKind.WRITE;
            case 3 -> WatchKind.READ;
            default -> WatchKind.ACCESS;
        };
        if (insert) {
            control.addWatchpoint(addr, len, kind);
        } else {
            control.removeWatchpoint(addr, len, kind);
        }
        return "OK";
    }

    private String selectThread(String p) {
        String id = p.substring(2);
        int t = id.equals("-1") || id.equals("0") ? -1 : validThread(id);
        if (t < 0 && !(id.equals("-1") || id.equals("0"))) {
            return "E01";
        }
        if (p.charAt(1) == 'g') {
            gThread = Math.max(t, 0);
        } else {
            cThread = t;
        }
        return "OK";
    }

    /** Thread id (hex, vCPU index + 1) to vCPU index, or -1 if no such thread. */
    private int validThread(String id) {
        int t = Integer.parseInt(id, 16) - 1;
        return t >= 0 && t < control.vcpuCount() ? t : -1;
    }

    /** Resumes for {@code c}, {@code s} (optional address), their signal forms, or {@code vCont}; sends the stop. */
    private Stop resume(String p) throws IOException, InterruptedException {
        Action[] actions = new Action[control.vcpuCount()];
        if (p.startsWith("vCont;")) {
            for (String a : p.substring(6).split(";")) {
                String[] at = a.split(":");
                Action act = switch (at[0].charAt(0)) {
                    case 's', 'S' -> Action.STEP;
                    default -> Action.CONTINUE;
                };
                int only = at.length > 1 && !at[1].equals("-1") ? validThread(at[1]) : -1;
                for (int i = 0; i < actions.length; i++) {
                    if (actions[i] == null && (only < 0 || only == i)) {
                        actions[i] = act; // the leftmost action naming a thread applies to it
                    }
                }
            }
            for (int i = 0; i < actions.length; i++) {
                if (actions[i] == null) {
                    actions[i] = Action.STAY;
                }
            }
        } else {
            char op = p.charAt(0);
            String arg = op == 'c' || op == 's' ? p.substring(1) : (p.contains(";") ? p.substring(p.indexOf(';') + 1) : "");
            if (!arg.isEmpty()) {
                long pc = Long.parseUnsignedLong(arg, 16);
                if (control.cpu(cThread < 0 ? gThread : cThread) != null) {
                    control.cpu(cThread < 0 ? gThread : cThread).pc = pc;
                }
            }
            boolean step = op == 's' || op == 'S';
            int target = cThread < 0 ? gThread : cThread;
            Arrays.fill(actions, step ? Action.STAY : Action.CONTINUE);
            if (step) {
                actions[target] = Action.STEP;
            }
        }
        for (int i = 0; i < actions.length; i++) {
            if (actions[i] == Action.STEP && !control.isOn(i)) {
                // A powered-off vCPU executes nothing: its step is over at once, and nothing else runs.
                gThread = i;
                Stop stop = new Stop(i, MachineControl.Reason.STEP, 0, null);
                io.send(stopReply(stop, SIGTRAP));
                return stop;
            }
        }
        long after = control.stopCount();
        server.waiting(true);
        control.resume(actions);
        Stop stop;
        int signal = SIGTRAP;
        try {
            while ((stop = control.awaitStop(after, 0)) == null) {
                Integer exit = server.exitStatus();
                if (exit != null) {
                    io.send(String.format("W%02x", exit & 0xff));
                    server.exitReported();
                    throw new EOFException("the run has ended");
                }
                if (io.pollInterrupt(20)) {
                    stop = control.pause(MachineControl.Reason.REQUEST);
                    signal = SIGINT;
                    break;
                }
            }
        } finally {
            server.waiting(false);
        }
        if (stop.reason() == MachineControl.Reason.REQUEST || stop.reason() == MachineControl.Reason.MONITOR) {
            signal = SIGINT; // Ctrl-C, or a stop from the monitor
        }
        gThread = stop.vcpu();
        io.send(stopReply(stop, signal));
        return stop;
    }

    private static String stopReply(Stop s, int signal) {
        StringBuilder r = new StringBuilder(String.format("T%02x", signal));
        if (s.reason() == MachineControl.Reason.WATCHPOINT) {
            String kind = switch (s.watchKind()) {
                case WRITE -> "watch";
                case READ -> "rwatch";
                case ACCESS -> "awatch";
            };
            r.append(kind).append(':').append(Long.toHexString(s.watchAddress())).append(';');
        }
        return r.append("thread:").append(Integer.toHexString(s.vcpu() + 1)).append(';').toString();
    }
}
