package dev.armature.devices.pl011;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

import static dev.armature.devices.pl011.Pl011.*;
import static org.junit.jupiter.api.Assertions.*;

class Pl011Test {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final List<Boolean> irq = new ArrayList<>();
    private final Pl011 uart = new Pl011(out, irq::add);

    @Test
    void transmitGoesToSinkAndFifoIsAlwaysEmpty() {
        assertEquals(FR_TXFE | FR_RXFE, uart.read(FR, 4)); // 0x90, QEMU's reset value
        for (char c : "hi\n".toCharArray()) {
            uart.write(DR, 4, c);
        }
        assertEquals("hi\n", out.toString());
        assertEquals(FR_TXFE | FR_RXFE, uart.read(FR, 4) & (FR_TXFE | FR_RXFE | FR_TXFF | FR_BUSY));
    }

    @Test
    void peripheralAndPrimeCellIds() {
        int[] expected = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
        for (int i = 0; i < 8; i++) {
            assertEquals(expected[i], uart.read(0xfe0 + 4L * i, 4), "ID register 0x" + Integer.toHexString(0xfe0 + 4 * i));
        }
    }

    @Test
    void controlRegistersKeepTheirValuesAndResetValues() {
        assertEquals(0x300, uart.read(CR, 4));
        assertEquals(0x12, uart.read(IFLS, 4));
        uart.write(IBRD, 4, 0x1_0027);
        uart.write(FBRD, 4, 0xff);
        uart.write(LCR_H, 4, 0x70);
        uart.write(CR, 4, 0x301);
        assertEquals(0x0027, uart.read(IBRD, 4));
        assertEquals(0x3f, uart.read(FBRD, 4));
        assertEquals(0x70, uart.read(LCR_H, 4));
        assertEquals(0x301, uart.read(CR, 4));
    }

    @Test
    void receiveFifoFlagsAndData() throws Exception {
        uart.receive('a');
        assertEquals(0, uart.read(FR, 4) & FR_RXFE);
        assertEquals(FR_RXFF, uart.read(FR, 4) & FR_RXFF); // FIFOs off: one entry fills it
        assertEquals('a', uart.read(DR, 4));
        assertEquals(FR_RXFE, uart.read(FR, 4) & FR_RXFE);
        assertEquals(0, uart.read(DR, 4)); // empty FIFO reads zero

        uart.write(LCR_H, 4, 0x70); // FEN: 16-entry FIFO
        for (int i = 0; i < 3; i++) {
            uart.receive('0' + i);
        }
        assertEquals(0, uart.read(FR, 4) & (FR_RXFE | FR_RXFF));
        assertEquals('0', uart.read(DR, 4));
        assertEquals('1', uart.read(DR, 4));
        assertEquals('2', uart.read(DR, 4));
    }

    @Test
    void interruptStatusMaskAndClear() throws Exception {
        uart.write(DR, 4, 'x');
        assertEquals(INT_TX, uart.read(RIS, 4));
        assertEquals(0, uart.read(MIS, 4)); // masked
        assertTrue(irq.isEmpty());
        uart.write(IMSC, 4, INT_TX | INT_RX | INT_RT);
        assertEquals(INT_TX, uart.read(MIS, 4));
        assertEquals(List.of(true), irq);
        uart.write(ICR, 4, INT_TX);
        assertEquals(0, uart.read(RIS, 4));
        assertEquals(List.of(true, false), irq);

        uart.receive('k'); // FIFO off: trigger level 1, so RX (not RT)
        assertEquals(INT_RX, uart.read(MIS, 4));
        uart.read(DR, 4);
        assertEquals(0, uart.read(RIS, 4)); // RX clears when the FIFO drains
        assertEquals(List.of(true, false, true, false), irq);

        uart.write(LCR_H, 4, 0x70); // FIFO on, RX trigger at 1/2 = 8 entries
        uart.receive('1');
        assertEquals(INT_RT, uart.read(RIS, 4)); // below the trigger level: receive timeout
        for (int i = 0; i < 7; i++) {
            uart.receive('2');
        }
        assertEquals(INT_RX, uart.read(RIS, 4));
    }

    @Test
    void receiveBlocksWhileFifoIsFull() throws Exception {
        uart.receive('a'); // FIFO off: full
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                uart.receive('b');
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.join(200);
        assertTrue(t.isAlive(), "the reader must wait for room, not drop input");
        assertEquals('a', uart.read(DR, 4));
        t.join(5000);
        assertFalse(t.isAlive());
        assertEquals('b', uart.read(DR, 4));
    }

    @Test
    void resetRestoresRegistersAndEmptiesTheFifo() throws Exception {
        uart.write(LCR_H, 4, 0x70);
        uart.write(CR, 4, 0x301);
        uart.write(IMSC, 4, INT_RX | INT_RT);
        uart.receive('q'); // below the FIFO's trigger level: receive timeout
        assertEquals(List.of(true), irq);
        uart.reset();
        assertEquals(0, uart.read(LCR_H, 4));
        assertEquals(0x300, uart.read(CR, 4));
        assertEquals(0x12, uart.read(IFLS, 4));
        assertEquals(0, uart.read(IMSC, 4));
        assertEquals(FR_TXFE | FR_RXFE, uart.read(FR, 4));
        assertEquals(List.of(true, false), irq);
    }
}
