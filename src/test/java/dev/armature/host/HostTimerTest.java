package dev.armature.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The host timer's rate and acknowledge protocol, host line states, and the platform's device registry. */
class HostTimerTest {
    @Test
    void periodSetsTheInterruptRate() {
        HostPlatform host = new HostPlatform(4);
        HostTimer t = host.add(new HostTimer("timer0", host.interruptController().line(2)));
        HostInterruptController.Line line = host.interruptController().line(2);
        t.tick(10); // disabled: nothing counts
        assertEquals(0, t.generated());
        t.writeRegister(HostTimer.PERIOD, 4);
        t.writeRegister(HostTimer.CTRL, 1);
        t.tick(3);
        assertFalse(line.isPending());
        t.tick(6); // 9 ticks: two periods
        assertEquals(2, t.readRegister(HostTimer.EVENTS));
        assertTrue(line.isPending());
        t.writeRegister(HostTimer.EVENTS, 1);
        assertTrue(line.isPending());
        t.writeRegister(HostTimer.EVENTS, 1);
        assertFalse(line.isPending());
        assertEquals(2, t.generated());
    }

    @Test
    void lineIsTakenOnlyWhenUnmaskedInactiveAndHandled() {
        HostInterruptController ic = new HostInterruptController(1);
        HostInterruptController.Line line = ic.line(0);
        int[] runs = new int[1];
        line.setLevel(true);
        assertEquals(0, line.timesTaken()); // no handler
        line.mask();
        line.setHandler(() -> runs[0]++);
        assertEquals(0, runs[0]);
        line.unmask();
        assertEquals(1, runs[0]);
        assertTrue(line.isActive());
        line.deactivate(); // still asserted: taken again
        assertEquals(2, runs[0]);
        assertThrows(IllegalStateException.class, () -> line.setHandler(() -> { }));
    }

    @Test
    void referencesAndNames() {
        HostPlatform host = new HostPlatform(1);
        HostTimer t = host.add(new HostTimer("t", host.interruptController().line(0)));
        assertThrows(IllegalArgumentException.class, () -> host.add(new HostTimer("t",
                host.interruptController().line(0))));
        assertEquals(t, host.device("t").orElseThrow());
        assertTrue(host.device("u").isEmpty());
        t.get();
        t.put();
        assertThrows(IllegalStateException.class, t::put);
        assertEquals(0, t.references());
    }

    @Test
    void countStopsTheTimerButItsInterruptStaysUntilAcknowledged() {
        HostInterruptController ic = new HostInterruptController(1);
        HostTimer t = new HostTimer("t", ic.line(0));
        t.writeRegister(HostTimer.COUNT, 3);
        t.writeRegister(HostTimer.CTRL, HostTimer.CTRL_ENABLE);
        t.tick(2);
        assertEquals(1, t.readRegister(HostTimer.COUNT));
        t.tick(5); // only one more event: then it stops
        assertEquals(3, t.generated());
        assertEquals(0, t.readRegister(HostTimer.CTRL));
        assertEquals(0, t.readRegister(HostTimer.COUNT));
        assertTrue(ic.line(0).isPending());
        t.writeRegister(HostTimer.EVENTS, 3);
        assertFalse(ic.line(0).isPending());
        assertEquals(3, t.readRegister(HostTimer.TOTAL));
    }

    @Test
    void dmaWritesTheTotalOrReportsAFault() {
        HostInterruptController ic = new HostInterruptController(1);
        HostTimer t = new HostTimer("t", ic.line(0));
        long[] written = new long[2];
        t.connectDma(new dev.armature.iommu.DeviceMemory() {
            @Override
            public void read(long deviceAddress, byte[] dst, int offset, int length) {
                throw new AssertionError("the timer only writes");
            }

            @Override
            public void write(long deviceAddress, byte[] src, int offset, int length) {
                written[0] = deviceAddress;
                written[1] = (src[0] & 0xff) | (src[1] & 0xff) << 8 | (src[2] & 0xff) << 16 | (src[3] & 0xffL) << 24;
                assertEquals(4, length);
            }
        });
        t.writeRegister(HostTimer.DMA_LO, 0x4000_1000);
        t.writeRegister(HostTimer.DMA_HI, 1);
        t.writeRegister(HostTimer.CTRL, HostTimer.CTRL_ENABLE | HostTimer.CTRL_DMA);
        t.tick(5);
        assertEquals(0x1_4000_1000L, written[0]);
        assertEquals(5, written[1]);
        t.connectDma(null); // nothing behind the port: the write faults
        t.tick(1);
        assertEquals(HostTimer.STATUS_DMA_FAULT, t.readRegister(HostTimer.STATUS));
        assertEquals(HostTimer.CTRL_ENABLE, t.readRegister(HostTimer.CTRL));
        t.writeRegister(HostTimer.STATUS, HostTimer.STATUS_DMA_FAULT);
        assertEquals(0, t.readRegister(HostTimer.STATUS));
        t.reset();
        assertEquals(0, t.readRegister(HostTimer.CTRL));
        assertEquals(1, t.readRegister(HostTimer.PERIOD));
        assertFalse(ic.line(0).isPending());
    }

    @Test
    void inRealTimeItCountsWhileEnabled() throws InterruptedException {
        HostInterruptController ic = new HostInterruptController(1);
        HostTimer t = new HostTimer("t", ic.line(0));
        t.runInRealTime();
        t.writeRegister(HostTimer.PERIOD, 100);
        t.writeRegister(HostTimer.COUNT, 5);
        t.writeRegister(HostTimer.CTRL, HostTimer.CTRL_ENABLE);
        for (int i = 0; i < 10_000 && t.readRegister(HostTimer.CTRL) != 0; i++) {
            Thread.sleep(1); // waits for the events, whatever the host's speed: no time is asserted
        }
        assertEquals(5, t.generated());
        assertEquals(5, t.readRegister(HostTimer.EVENTS));
        t.stop();
    }
}
