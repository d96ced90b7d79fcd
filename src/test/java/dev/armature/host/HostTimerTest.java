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
}
