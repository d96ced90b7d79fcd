package dev.armature.devices.gic;

import static dev.armature.devices.gic.IccRegisters.ICC_EOIR1_EL1;
import static dev.armature.devices.gic.IccRegisters.ICC_IAR1_EL1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/** The deactivation hook and forwarding of {@link IrqForwarding}, on the GICv3 model. */
class GicForwardingTest {
    static final int SPI = 40;

    /** A host interrupt that records what the vGIC does to it. */
    static final class FakeHost implements PhysicalInterrupt {
        boolean active;
        int deactivations;
        Runnable handler;

        @Override
        public int number() {
            return 7;
        }

        @Override
        public boolean isActive() {
            return active;
        }

        @Override
        public void deactivate() {
            active = false;
            deactivations++;
        }

        @Override
        public void setHandler(Runnable h) {
            handler = h;
        }

        void fire() {
            active = true;
            handler.run();
        }
    }

    private static GicFixture withSpiEnabled() {
        GicFixture f = GicV3Test.enabled(1);
        f.write(0, GicFixture.GICD + 0x84, 0xffff_ffffL); // SPIs 32-63 Group 1
        f.write(0, GicFixture.GICD + 0x104, 0xffff_ffffL); // and enabled
        return f;
    }

    @Test
    void listenerHearsDeactivationByEoiOnly() {
        try (GicFixture f = withSpiEnabled()) {
            IrqForwarding gic = (IrqForwarding) f.gic;
            List<Integer> heard = new ArrayList<>();
            gic.setDeactivationListener((cpu, intid) -> heard.add(intid));
            f.gic.setLevel(SPI, true);
            assertEquals(SPI, f.sys(0, ICC_IAR1_EL1));
            assertTrue(heard.isEmpty());
            f.sys(0, ICC_EOIR1_EL1, SPI);
            assertEquals(List.of(SPI), heard);
            f.sys(0, ICC_EOIR1_EL1, SPI); // no longer active: nothing to hear
            assertEquals(List.of(SPI), heard);
        }
    }

    @Test
    void forwardedSpiDeactivatesItsHostInterrupt() {
        try (GicFixture f = withSpiEnabled()) {
            IrqForwarding gic = (IrqForwarding) f.gic;
            FakeHost host = new FakeHost();
            gic.forward(host, SPI);
            assertThrows(IllegalArgumentException.class, () -> gic.forward(new FakeHost(), SPI));
            host.fire();
            assertTrue(f.irq(0));
            assertEquals(SPI, f.sys(0, ICC_IAR1_EL1));
            assertTrue(host.active);
            f.sys(0, ICC_EOIR1_EL1, SPI);
            assertFalse(host.active);
            assertEquals(1, host.deactivations);
            gic.unforward(SPI);
            assertEquals(null, host.handler);
        }
    }

    @Test
    void unforwardDropsAnInterruptInFlightAndDeactivatesTheHost() {
        try (GicFixture f = withSpiEnabled()) {
            IrqForwarding gic = (IrqForwarding) f.gic;
            FakeHost host = new FakeHost();
            gic.forward(host, SPI);
            host.fire();
            assertEquals(SPI, f.sys(0, ICC_IAR1_EL1));
            gic.unforward(SPI);
            assertFalse(host.active);
            assertEquals(0, f.read(0, GicFixture.GICD + 0x304) & (1 << (SPI - 32))); // GICD_ISACTIVER1
            assertFalse(f.irq(0));
        }
    }
}
