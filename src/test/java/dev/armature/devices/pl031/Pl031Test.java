package dev.armature.devices.pl031;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Expected values are what QEMU 7.2's PL031 on {@code virt} returned to a bare-metal probe. */
class Pl031Test {
    private static final long SECOND = 1_000_000_000L;

    private long now = 5 * SECOND + 123;
    private final List<Boolean> irq = new ArrayList<>();
    private final Pl031 rtc = new Pl031(irq::add, () -> now, 0x6b05_5717L);

    @Test
    void resetStateAndIdRegisters() {
        assertEquals(0x6b05_5717L, rtc.read(Pl031.DR, 4));
        assertEquals(0, rtc.read(Pl031.MR, 4));
        assertEquals(0, rtc.read(Pl031.LR, 4));
        assertEquals(1, rtc.read(Pl031.CR, 4));
        assertEquals(0, rtc.read(Pl031.RIS, 4));
        int[] id = {0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
        for (int i = 0; i < id.length; i++) {
            assertEquals(id[i], rtc.read(0xfe0 + 4L * i, 4));
        }
        assertEquals(0, rtc.read(0x20, 4));
    }

    @Test
    void counterRunsInWholeSecondsAndLoadSetsIt() {
        now += SECOND - 1;
        assertEquals(0x6b05_5717L, rtc.read(Pl031.DR, 4));
        now += 1;
        assertEquals(0x6b05_5718L, rtc.read(Pl031.DR, 4));
        rtc.write(Pl031.LR, 4, 1000);
        assertEquals(1000, rtc.read(Pl031.LR, 4));
        assertEquals(1000, rtc.read(Pl031.DR, 4));
        now += 4 * SECOND;
        assertEquals(1004, rtc.read(Pl031.DR, 4));
        assertEquals(1000, rtc.read(Pl031.LR, 4));
    }

    @Test
    void controlIgnoresWrites() {
        rtc.write(Pl031.CR, 4, 0);
        assertEquals(1, rtc.read(Pl031.CR, 4));
        rtc.write(Pl031.CR, 4, 0xff);
        assertEquals(1, rtc.read(Pl031.CR, 4));
    }

    @Test
    void matchRaisesMaskedInterruptUntilCleared() {
        rtc.write(Pl031.LR, 4, 1000);
        rtc.write(Pl031.MR, 4, 1000);
        assertEquals(1, rtc.read(Pl031.RIS, 4));
        assertEquals(0, rtc.read(Pl031.MIS, 4));
        assertEquals(List.of(), irq);
        rtc.write(Pl031.IMSC, 4, 3);
        assertEquals(1, rtc.read(Pl031.IMSC, 4));
        assertEquals(1, rtc.read(Pl031.MIS, 4));
        assertEquals(List.of(true), irq);
        rtc.write(Pl031.ICR, 4, 1);
        assertEquals(0, rtc.read(Pl031.RIS, 4));
        assertEquals(List.of(true, false), irq);
    }

    @Test
    void counterReachingMatchRaisesInterrupt() {
        rtc.write(Pl031.LR, 4, 1000);
        rtc.write(Pl031.IMSC, 4, 1);
        rtc.write(Pl031.MR, 4, 1001);
        assertEquals(0, rtc.read(Pl031.RIS, 4));
        now += SECOND;
        rtc.checkMatch(); // what the alarm does when it fires
        assertEquals(1, rtc.read(Pl031.RIS, 4));
        assertEquals(List.of(true), irq);
    }

    @Test
    void resetClearsInterruptStateButKeepsTime() {
        rtc.write(Pl031.IMSC, 4, 1);
        rtc.write(Pl031.MR, 4, 0x6b05_5717L);
        assertEquals(List.of(true), irq);
        rtc.reset();
        assertEquals(List.of(true, false), irq);
        assertEquals(0, rtc.read(Pl031.RIS, 4));
        assertEquals(0, rtc.read(Pl031.IMSC, 4));
        assertEquals(0x6b05_5717L, rtc.read(Pl031.DR, 4));
    }

    /** A restored RTC has the saved registers, raises its saved interrupt, and counts on from the saved value. */
    @Test
    void snapshotCarriesRegistersAndTheCounter() throws Exception {
        rtc.write(Pl031.LR, 4, 1000);
        rtc.write(Pl031.MR, 4, 1000); // matches now: RIS set
        rtc.write(Pl031.IMSC, 4, 1);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        rtc.saveState(new DataOutputStream(buf));

        List<Boolean> wire = new ArrayList<>();
        long[] clock = {77 * SECOND};
        Pl031 other = new Pl031(wire::add, () -> clock[0], 5);
        Runnable apply = other.loadState(new DataInputStream(new ByteArrayInputStream(buf.toByteArray())));
        assertEquals(5, other.read(Pl031.DR, 4), "loading alone changes nothing");
        apply.run();
        assertEquals(1000, other.read(Pl031.DR, 4));
        assertEquals(1000, other.read(Pl031.LR, 4));
        assertEquals(1000, other.read(Pl031.MR, 4));
        assertEquals(1, other.read(Pl031.MIS, 4));
        assertEquals(List.of(true), wire);
        clock[0] += 3 * SECOND;
        assertEquals(1003, other.read(Pl031.DR, 4));

        byte[] bad = buf.toByteArray();
        bad[bad.length - 5] = 2; // RTCIMSC = 2
        assertThrows(IOException.class,
                () -> other.loadState(new DataInputStream(new ByteArrayInputStream(bad))));
    }
}
