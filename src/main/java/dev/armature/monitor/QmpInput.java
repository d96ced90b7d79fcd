package dev.armature.monitor;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * A QMP client's input as a stream of JSON values, as QEMU reads it: values need no line breaks between them
 * (several on one line) and may span lines (one value over several). A malformed value yields a parse error
 * ({@code JSON parse error, ...}); what has arrived of the rest of its line is dropped and reading goes on after
 * it, so the session survives. (Dropping never waits for more input: a client must get its answer.)
 */
final class QmpInput {
    /** One value read ({@code value} set) or one parse error ({@code error} set). */
    record Item(JsonNode value, String error) {
    }

    private final ObjectMapper json;
    private final Source source;
    private JsonParser parser;

    QmpInput(InputStream in, ObjectMapper json) {
        this.json = json;
        this.source = new Source(in);
    }

    /** The next value or parse error; null at the end of the input. */
    Item next() throws IOException {
        if (parser == null) {
            parser = json.getFactory().createParser(source);
            parser.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE); // a fresh parser takes over after an error
        }
        try {
            JsonToken t = parser.nextToken();
            if (t == null) {
                return null;
            }
            return new Item(json.readTree(parser), null);
        } catch (JsonProcessingException e) {
            String why = e.getOriginalMessage();
            resync();
            return new Item(null, "JSON parse error, " + why);
        }
    }

    /** Drops the parser and what it had read ahead of the rest of the line it failed on. */
    private void resync() throws IOException {
        ByteArrayOutputStream unread = new ByteArrayOutputStream();
        parser.releaseBuffered(unread);
        parser.close();
        parser = null;
        byte[] rest = unread.toByteArray();
        int newline = 0;
        while (newline < rest.length && rest[newline] != '\n') {
            newline++;
        }
        source.pushBack(Arrays.copyOfRange(rest, Math.min(newline + 1, rest.length), rest.length));
    }

    /** The socket's bytes behind bytes a dropped parser had read ahead. */
    private static final class Source extends InputStream {
        private final InputStream in;
        private byte[] pending = new byte[0];
        private int pos;

        Source(InputStream in) {
            this.in = in;
        }

        void pushBack(byte[] bytes) {
            byte[] rest = Arrays.copyOfRange(pending, pos, pending.length);
            pending = new byte[bytes.length + rest.length];
            System.arraycopy(bytes, 0, pending, 0, bytes.length);
            System.arraycopy(rest, 0, pending, bytes.length, rest.length);
            pos = 0;
        }

        @Override
        public int read() throws IOException {
            return pos < pending.length ? pending[pos++] & 0xff : in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (pos < pending.length) {
                int n = Math.min(len, pending.length - pos);
                System.arraycopy(pending, pos, b, off, n);
                pos += n;
                return n;
            }
            return in.read(b, off, len);
        }
    }
}
