package dev.armature.machine.fdt;

import dev.armature.testutil.Tools;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class FdtTest {
    private static FdtNode sample() {
        FdtNode root = new FdtNode("");
        root.setStrings("compatible", "linux,dummy-virt");
        root.setCells("#address-cells", 2);
        root.setCells("#size-cells", 2);
        root.addChild("memory@40000000").setStrings("device_type", "memory").setU64("reg", 0x4000_0000L, 0x800_0000L);
        FdtNode c = root.addChild("chosen");
        c.setStrings("bootargs", "console=ttyAMA0 x");
        c.setEmpty("flag");
        c.set("odd", new byte[] {1, 2, 3}); // exercises padding to 4 bytes
        root.addChild("list").setStrings("compatible", "a", "bc");
        return root;
    }

    @Test
    void headerAndAlignment() {
        byte[] blob = Fdt.encode(sample(), List.of(new Fdt.Reservation(0x1000, 0x2000)), 0);
        ByteBuffer b = ByteBuffer.wrap(blob);
        assertEquals(0xd00dfeed, b.getInt(0));
        assertEquals(blob.length, b.getInt(4));
        assertEquals(0, blob.length % 8);
        int structOff = b.getInt(8);
        int rsvOff = b.getInt(16);
        assertEquals(17, b.getInt(20));
        assertEquals(16, b.getInt(24));
        assertEquals(0, rsvOff % 8);
        assertEquals(0, structOff % 4);
        assertEquals(0x1000, b.getLong(rsvOff));
        assertEquals(0x2000, b.getLong(rsvOff + 8));
        assertEquals(0, b.getLong(rsvOff + 16)); // terminator
        assertEquals(1, b.getInt(structOff)); // FDT_BEGIN_NODE
        assertEquals(9, b.getInt(structOff + b.getInt(36) - 4)); // FDT_END closes the structure block
    }

    @Test
    void paddingGrowsTotalsizeOnly() {
        byte[] small = Fdt.encode(sample());
        byte[] padded = Fdt.encode(sample(), List.of(), 0, 1 << 20);
        assertEquals(1 << 20, padded.length);
        assertEquals(1 << 20, ByteBuffer.wrap(padded).getInt(4));
        assertArrayEquals(Fdt.encode(Fdt.decode(small).root()), Fdt.encode(Fdt.decode(padded).root()));
    }

    @Test
    void roundTripsThroughOwnDecoder() {
        byte[] blob = Fdt.encode(sample(), List.of(new Fdt.Reservation(0x1000, 0x2000)), 3);
        Fdt.Blob d = Fdt.decode(blob);
        assertEquals(3, d.bootCpu());
        assertEquals(List.of(new Fdt.Reservation(0x1000, 0x2000)), d.reservations());
        assertArrayEquals(blob, Fdt.encode(d.root(), d.reservations(), d.bootCpu()));
        assertArrayEquals(new byte[] {1, 2, 3}, d.root().child("chosen").property("odd"));
    }

    @Test
    void dtcReadsOurBlobAndWeReadDtcs(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Tools.available("dtc"), "dtc (device-tree-compiler) is not installed");
        Path blob = dir.resolve("t.dtb");
        Files.write(blob, Fdt.encode(sample(), List.of(new Fdt.Reservation(0x1000, 0x2000)), 0));
        Tools.Result r = Tools.run("dtc", "-I", "dtb", "-O", "dts", blob.toString());
        assertEquals(0, r.exit(), r.stderr());
        String dts = r.stdout();
        assertTrue(dts.matches("(?s).*/memreserve/\\s+0x0000000000001000 0x0000000000002000;.*"), dts);
        assertTrue(dts.contains("reg = <0x00 0x40000000 0x00 0x8000000>;"), dts);
        assertTrue(dts.contains("bootargs = \"console=ttyAMA0 x\";"), dts);
        assertTrue(dts.contains("compatible = \"a\\0bc\";"), dts);
        assertTrue(dts.contains("odd = [01 02 03];"), dts);
        assertTrue(dts.contains("flag;"), dts);

        // And back: dtc compiles the source, and our decoder yields the same tree bytes.
        Path src = dir.resolve("t.dts");
        Files.writeString(src, dts);
        Path blob2 = dir.resolve("t2.dtb");
        Tools.Result r2 = Tools.run("dtc", "-I", "dts", "-O", "dtb", "-o", blob2.toString(), src.toString());
        assertEquals(0, r2.exit(), r2.stderr());
        Fdt.Blob d = Fdt.decode(Files.readAllBytes(blob2));
        assertArrayEquals(Fdt.encode(sample(), List.of(new Fdt.Reservation(0x1000, 0x2000)), 0),
                Fdt.encode(d.root(), d.reservations(), 0));
    }

    @Test
    void malformedBlobsAreRefusedWithReasons() {
        byte[] good = Fdt.encode(sample());
        assertTrue(assertThrows(FdtException.class, () -> Fdt.decode(new byte[10])).getMessage().contains("too short"));
        byte[] badMagic = good.clone();
        badMagic[0] = 0;
        assertTrue(assertThrows(FdtException.class, () -> Fdt.decode(badMagic)).getMessage().contains("bad magic"));
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 16);
        assertTrue(assertThrows(FdtException.class, () -> Fdt.decode(truncated)).getMessage().contains("totalsize"));
        byte[] badToken = good.clone();
        ByteBuffer.wrap(badToken).putInt(ByteBuffer.wrap(good).getInt(8), 7);
        assertTrue(assertThrows(FdtException.class, () -> Fdt.decode(badToken)).getMessage()
                .contains("does not start with a node"));
    }
}
