package dev.armature.gdbstub;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * GDB remote serial protocol framing: {@code $data#cs} packets with acknowledgements ({@code +}/{@code -}) until
 * no-ack mode is agreed, {@code }}-escaping of binary data, and the out-of-band interrupt byte 0x03. Packet
 * payloads are handled as ISO-8859-1 strings so binary bytes survive unchanged.
 */
final class PacketIo {
    /** What {@link #read} returns for a Ctrl-C (0x03) received between packets. */
    static final String INTERRUPT = "\u0003";

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private boolean ackMode = true;

    PacketIo(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    void noAckMode() {
        ackMode = false;
    }

    /** Blocks for the next packet (or {@link #INTERRUPT}); throws EOFException when GDB disconnects. */
    String read() throws IOException {
        socket.setSoTimeout(0);
        while (true) {
            int b = next();
            if (b == 0x03) {
                return INTERRUPT;
            }
            if (b != '$') {
                continue; // acks for our replies, noise
            }
            StringBuilder data = new StringBuilder();
            int sum = 0;
            while ((b = next()) != '#') {
                sum += b;
                if (b == '}') {
                    int e = next();
                    sum += e;
                    data.append((char) (e ^ 0x20));
                } else {
                    data.append((char) b);
                }
            }
            int cs = Integer.parseInt("" + (char) next() + (char) next(), 16);
            if (ackMode) {
                out.write((sum & 0xff) == cs ? '+' : '-');
                out.flush();
            }
            if ((sum & 0xff) == cs || !ackMode) {
                return data.toString();
            }
        }
    }

    /**
     * Waits up to {@code millis} for an interrupt byte while the target runs.
     *
     * @return true if GDB sent Ctrl-C
     */
    boolean pollInterrupt(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            return next() == 0x03;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    /** Sends a packet, escaping the characters the protocol reserves; waits for the ack while acks are on. */
    void send(String data) throws IOException {
        StringBuilder p = new StringBuilder(data.length() + 8).append('$');
        int sum = 0;
        for (int i = 0; i < data.length(); i++) {
            char c = data.charAt(i);
            if (c == '$' || c == '#' || c == '}' || c == '*') {
                p.append('}');
                sum += '}';
                c ^= 0x20;
            }
            p.append(c);
            sum += c;
        }
        p.append('#').append(String.format("%02x", sum & 0xff));
        byte[] bytes = p.toString().getBytes(StandardCharsets.ISO_8859_1);
        while (true) {
            out.write(bytes);
            out.flush();
            if (!ackMode) {
                return;
            }
            socket.setSoTimeout(0);
            int b;
            do {
                b = next();
            } while (b != '+' && b != '-');
            if (b == '+') {
                return;
            }
        }
    }

    private int next() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("GDB closed the connection");
        }
        return b;
    }
}
