package dev.armature.testutil;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** A minimal RSP client with acknowledgements. */
public final class RspClient {
    private final InputStream in;
    private final OutputStream out;

    public RspClient(Socket s) throws IOException {
        s.setSoTimeout(30_000);
        in = s.getInputStream();
        out = s.getOutputStream();
    }

    public String ask(String packet) throws IOException {
        send(packet);
        return receive();
    }

    public void send(String packet) throws IOException {
        int sum = 0;
        for (byte b : packet.getBytes(StandardCharsets.ISO_8859_1)) {
            sum += b & 0xff;
        }
        out.write(String.format("$%s#%02x", packet, sum & 0xff).getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        int ack = in.read();
        assertEquals('+', ack, "ack for " + packet);
    }

    public String receive() throws IOException {
        int b;
        while ((b = in.read()) != '$') {
            assertNotEquals(-1, b, "connection closed");
        }
        StringBuilder p = new StringBuilder();
        while ((b = in.read()) != '#') {
            p.append(b == '}' ? (char) (in.read() ^ 0x20) : (char) b);
        }
        in.read();
        in.read();
        out.write('+');
        out.flush();
        return p.toString();
    }
}
