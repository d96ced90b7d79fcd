package dev.armature.machine.fdt;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One node of a flattened device tree: a name (with unit address, e.g. {@code memory@40000000}), properties in
 * insertion order and child nodes. Values are stored as the raw big-endian bytes the blob holds.
 */
public final class FdtNode {
    private final String name;
    private final Map<String, byte[]> properties = new LinkedHashMap<>();
    private final List<FdtNode> children = new ArrayList<>();

    public FdtNode(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    public Map<String, byte[]> properties() {
        return Collections.unmodifiableMap(properties);
    }

    public List<FdtNode> children() {
        return Collections.unmodifiableList(children);
    }

    /** Adds a child node and returns it. */
    public FdtNode addChild(String childName) {
        FdtNode c = new FdtNode(childName);
        children.add(c);
        return c;
    }

    public FdtNode child(String childName) {
        for (FdtNode c : children) {
            if (c.name.equals(childName)) {
                return c;
            }
        }
        return null;
    }

    /** The child with this name, created (last) if absent. */
    public FdtNode childOrAdd(String childName) {
        FdtNode c = child(childName);
        return c != null ? c : addChild(childName);
    }

    public byte[] property(String propName) {
        return properties.get(propName);
    }

    public FdtNode set(String propName, byte[] value) {
        properties.put(propName, value.clone());
        return this;
    }

    /** An empty (boolean) property such as {@code dma-coherent}. */
    public FdtNode setEmpty(String propName) {
        return set(propName, new byte[0]);
    }

    /** One or more 32-bit cells. */
    public FdtNode setCells(String propName, int... cells) {
        byte[] b = new byte[cells.length * 4];
        for (int i = 0; i < cells.length; i++) {
            putU32(b, i * 4, cells[i]);
        }
        return set(propName, b);
    }

    /** 64-bit values, each as two cells (for #address-cells = #size-cells = 2 and 64-bit seeds). */
    public FdtNode setU64(String propName, long... values) {
        byte[] b = new byte[values.length * 8];
        for (int i = 0; i < values.length; i++) {
            putU32(b, i * 8, (int) (values[i] >>> 32));
            putU32(b, i * 8 + 4, (int) values[i]);
        }
        return set(propName, b);
    }

    /** A string, or a string list (each NUL-terminated). */
    public FdtNode setStrings(String propName, String... strings) {
        StringBuilder sb = new StringBuilder();
        for (String s : strings) {
            sb.append(s).append('\0');
        }
        return set(propName, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    public void remove(String propName) {
        properties.remove(propName);
    }

    static void putU32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
