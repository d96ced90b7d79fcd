package dev.armature.migration;

import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * A migration URI as QMP {@code migrate} and {@code -incoming} spell it: {@code file:PATH} (a snapshot file) or
 * {@code tcp:HOST:PORT} (live migration; an IPv6 host in brackets). Exactly one of {@code file} and
 * {@code address} is set.
 */
public record MigrationUri(Path file, InetSocketAddress address) {
    /**
     * Parses {@code uri}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static MigrationUri parse(String uri) {
        if (uri.startsWith("file:")) {
            if (uri.length() == "file:".length()) {
                throw new IllegalArgumentException(uri + ": the file name is missing");
            }
            return new MigrationUri(Path.of(uri.substring("file:".length())), null);
        }
        if (uri.startsWith("tcp:")) {
            String rest = uri.substring("tcp:".length());
            int colon = rest.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException(uri + ": expected tcp:HOST:PORT");
            }
            String host = rest.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(rest.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(uri + ": bad port '" + rest.substring(colon + 1) + "'");
            }
            return new MigrationUri(null, host.isEmpty() ? new InetSocketAddress(port)
                    : new InetSocketAddress(host, port));
        }
        throw new IllegalArgumentException(uri + ": unsupported migration URI (use file:PATH or tcp:HOST:PORT)");
    }
}
