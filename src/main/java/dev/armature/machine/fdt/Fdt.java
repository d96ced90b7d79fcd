package dev.armature.machine.fdt;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Flattened device tree blob format (Devicetree Specification v0.4, chapter 5): encodes an {@link FdtNode} tree
 * into a version-17 blob and decodes a blob back into a tree.
 *
 * <p>Layout written: 40-byte header, memory reservation map (8-aligned, terminated by a zero entry), structure
 * block (4-aligned tokens), strings block (deduplicated names).
 */
public final class Fdt {
    public static final int MAGIC = 0xd00dfeed;
    private static final int HEADER_SIZE = 40;
    private static final int VERSION = 17;
    private static final int LAST_COMPATIBLE_VERSION = 16;
    private static final int FDT_BEGIN_NODE = 1;
    private static final int FDT_END_NODE = 2;
    private static final int FDT_PROP = 3;
    private static final int FDT_NOP = 4;
    private static final int FDT_END = 9;

    /** A memory reservation map entry. */
    public record Reservation(long address, long size) {
    }

    /** A decoded blob: its tree and reservation map. */
    public record Blob(FdtNode root, List<Reservation> reservations, int bootCpu) {
    }

    private Fdt() {
    }

    /** Encodes {@code root} (whose name must be empty) with no reservations, boot CPU 0. */
    public static byte[] encode(FdtNode root) {
        return encode(root, List.of(), 0);
    }

    public static byte[] encode(FdtNode root, List<Reservation> reservations, int bootCpu) {
        return encode(root, reservations, bootCpu, 0);
    }

    /**
     * Encodes with the blob's totalsize at least {@code minTotalSize}: the free space after the strings block
     * lets a guest (or boot loader) edit the tree in place, as in QEMU's 1 MiB blobs.
     */
    public static byte[] encode(FdtNode root, List<Reservation> reservations, int bootCpu, int minTotalSize) {
        if (!root.name().isEmpty()) {
            throw new IllegalArgumentException("the root node's name must be empty, not '" + root.name() + "'");
        }
        ByteArrayOutputStream strings = new ByteArrayOutputStream();
        Map<String, Integer> stringOffsets = new HashMap<>();
        ByteArrayOutputStream struct = new ByteArrayOutputStream();
        writeNode(root, struct, strings, stringOffsets);
        writeU32(struct, FDT_END);

        int rsvOffset = HEADER_SIZE; // already 8-aligned
        int rsvSize = (reservations.size() + 1) * 16;
        int structOffset = rsvOffset + rsvSize;
        int stringsOffset = structOffset + struct.size();
        int total = Math.max(align(stringsOffset + strings.size(), 8), align(minTotalSize, 8));

        ByteBuffer b = ByteBuffer.allocate(total); // big-endian by default, zero-filled
        b.putInt(MAGIC).putInt(total).putInt(structOffset).putInt(stringsOffset).putInt(rsvOffset)
                .putInt(VERSION).putInt(LAST_COMPATIBLE_VERSION).putInt(bootCpu).putInt(strings.size())
                .putInt(struct.size());
        b.position(rsvOffset);
        for (Reservation r : reservations) {
            b.putLong(r.address()).putLong(r.size());
        }
        b.putLong(0).putLong(0);
        b.put(struct.toByteArray());
        b.put(strings.toByteArray());
        return b.array();
    }

    private static void writeNode(FdtNode node, ByteArrayOutputStream out, ByteArrayOutputStream strings,
                                  Map<String, Integer> offsets) {
        writeU32(out, FDT_BEGIN_NODE);
        writePadded(out, (node.name() + '\0').getBytes(StandardCharsets.UTF_8));
        for (Map.Entry<String, byte[]> p : node.properties().entrySet()) {
            int nameOff = offsets.computeIfAbsent(p.getKey(), k -> {
                int off = strings.size();
                strings.writeBytes((k + '\0').getBytes(StandardCharsets.UTF_8));
                return off;
            });
            writeU32(out, FDT_PROP);
            writeU32(out, p.getValue().length);
            writeU32(out, nameOff);
            writePadded(out, p.getValue());
        }
        for (FdtNode c : node.children()) {
            writeNode(c, out, strings, offsets);
        }
        writeU32(out, FDT_END_NODE);
    }

    private static void writeU32(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }

    private static void writePadded(ByteArrayOutputStream out, byte[] data) {
        out.writeBytes(data);
        for (int i = data.length; i % 4 != 0; i++) {
            out.write(0);
        }
    }

    private static int align(int v, int a) {
        return (v + a - 1) & -a;
    }

    /**
     * Decodes a blob.
     *
     * @throws FdtException naming what is malformed
     */
    public static Blob decode(byte[] blob) {
        if (blob.length < HEADER_SIZE) {
            throw new FdtException("too short for a device tree header (" + blob.length + " bytes)");
        }
        ByteBuffer b = ByteBuffer.wrap(blob);
        if (b.getInt(0) != MAGIC) {
            throw new FdtException(String.format("bad magic 0x%08x (expected 0xd00dfeed)", b.getInt(0)));
        }
        long total = Integer.toUnsignedLong(b.getInt(4));
        int structOff = b.getInt(8);
        int stringsOff = b.getInt(12);
        int rsvOff = b.getInt(16);
        int version = b.getInt(20);
        int lastComp = b.getInt(24);
        int bootCpu = b.getInt(28);
        int stringsSize = b.getInt(32);
        int structSize = b.getInt(36);
        if (total > blob.length) {
            throw new FdtException("header totalsize " + total + " exceeds the file size " + blob.length);
        }
        if (version < LAST_COMPATIBLE_VERSION || lastComp > VERSION) {
            throw new FdtException("unsupported version " + version + " (last compatible " + lastComp + ")");
        }
        checkRange("structure block", structOff, structSize, total);
        checkRange("strings block", stringsOff, stringsSize, total);
        checkRange("memory reservation map", rsvOff, 16, total);

        List<Reservation> rsv = new ArrayList<>();
        for (int p = rsvOff; ; p += 16) {
            checkRange("memory reservation map", p, 16, total);
            long addr = b.getLong(p);
            long size = b.getLong(p + 8);
            if (addr == 0 && size == 0) {
                break;
            }
            rsv.add(new Reservation(addr, size));
        }

        Parser parser = new Parser(b, structOff, structOff + structSize, stringsOff, stringsSize);
        FdtNode root = parser.parseRoot();
        return new Blob(root, rsv, bootCpu);
    }

    private static void checkRange(String what, long off, long size, long total) {
        if (off < 0 || size < 0 || off + size > total) {
            throw new FdtException(what + " [" + off + ", +" + size + ") lies outside the blob");
        }
    }

    private static final class Parser {
        private final ByteBuffer b;
        private int pos;
        private final int end;
        private final int stringsOff;
        private final int stringsSize;

        Parser(ByteBuffer b, int start, int end, int stringsOff, int stringsSize) {
            this.b = b;
            this.pos = start;
            this.end = end;
            this.stringsOff = stringsOff;
            this.stringsSize = stringsSize;
        }

        FdtNode parseRoot() {
            int t = nextToken();
            if (t != FDT_BEGIN_NODE) {
                throw new FdtException("structure block does not start with a node (token " + t + ")");
            }
            FdtNode root = new FdtNode(name());
            parseBody(root);
            if (nextToken() != FDT_END) {
                throw new FdtException("missing FDT_END after the root node");
            }
            return root;
        }

        private void parseBody(FdtNode node) {
            while (true) {
                int t = nextToken();
                switch (t) {
                    case FDT_PROP -> {
                        int len = u32();
                        int nameOff = u32();
                        if (len < 0 || pos + len > end) {
                            throw new FdtException("property in node '" + node.name() + "' overruns the structure block");
                        }
                        byte[] v = new byte[len];
                        b.get(pos, v);
                        pos = align(pos + len, 4);
                        node.set(string(nameOff), v);
                    }
                    case FDT_BEGIN_NODE -> parseBody(node.addChild(name()));
                    case FDT_END_NODE -> {
                        return;
                    }
                    default -> throw new FdtException("unexpected token " + t + " inside node '" + node.name() + "'");
                }
            }
        }

        private int nextToken() {
            int t;
            do {
                t = u32();
            } while (t == FDT_NOP);
            return t;
        }

        private int u32() {
            if (pos + 4 > end) {
                throw new FdtException("structure block ends unexpectedly");
            }
            int v = b.getInt(pos);
            pos += 4;
            return v;
        }

        private String name() {
            int start = pos;
            while (pos < end && b.get(pos) != 0) {
                pos++;
            }
            if (pos >= end) {
                throw new FdtException("unterminated node name");
            }
            String s = new String(b.array(), start, pos - start, StandardCharsets.UTF_8);
            pos = align(pos + 1, 4);
            return s;
        }

        private String string(int off) {
            if (off < 0 || off >= stringsSize) {
                throw new FdtException("property name offset " + off + " outside the strings block");
            }
            int start = stringsOff + off;
            int p = start;
            while (p < stringsOff + stringsSize && b.get(p) != 0) {
                p++;
            }
            if (p >= stringsOff + stringsSize) {
                throw new FdtException("unterminated property name in the strings block");
            }
            return new String(b.array(), start, p - start, StandardCharsets.UTF_8);
        }
    }
}
