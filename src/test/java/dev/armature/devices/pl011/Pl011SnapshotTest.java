package dev.armature.devices.pl011;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** PL011 snapshot state: registers, unread receive FIFO bytes and the interrupt wire they drive. */
class Pl011SnapshotTest {
    @Test
    void unreadInputAndTheInterruptSurviveSaveAndLoad() throws Exception {
        Pl011 src = new Pl011(null, level -> { });
        src.write(Pl011.LCR_H, 4, 0x70); // FIFOs on, 8 bits
        src.write(Pl011.IMSC, 4, Pl011.INT_RX);
        src.write(Pl011.IFLS, 4, 0); // RX trigger at 1/8: two bytes raise it
        for (int b : "abc".getBytes()) {
            src.receive(b);
        }
        assertEquals('a', src.read(Pl011.DR, 4) & 0xff);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        src.saveState(new DataOutputStream(buf));

        List<Boolean> wire = new ArrayList<>();
        Pl011 dst = new Pl011(null, wire::add);
        wire.clear();
        Runnable apply = dst.loadState(new DataInputStream(new ByteArrayInputStream(buf.toByteArray())));
        assertTrue(wire.isEmpty(), "loadState only reads");
        apply.run();
        assertEquals(List.of(src.read(Pl011.MIS, 4) != 0), wire, "the wire is driven as the registers say");
        for (int off : new int[] {Pl011.FR, Pl011.IBRD, Pl011.LCR_H, Pl011.CR, Pl011.IFLS, Pl011.IMSC, Pl011.RIS}) {
            assertEquals(src.read(off, 4), dst.read(off, 4), "offset 0x" + Integer.toHexString(off));
        }
        assertEquals('b', dst.read(Pl011.DR, 4) & 0xff);
        assertEquals('c', dst.read(Pl011.DR, 4) & 0xff);
        assertNotEquals(0, dst.read(Pl011.FR, 4) & Pl011.FR_RXFE, "then empty");
    }
}
