package dev.armature.vfio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armature.host.HostInterruptController;
import dev.armature.host.HostTimer;
import dev.armature.vm.DeviceType;
import dev.armature.vm.Errno;
import dev.armature.vm.KvmException;
import dev.armature.vm.KvmVfioDevice;
import dev.armature.vm.KvmVfioDevice.ForwardedIrq;
import dev.armature.vm.Vm;
import org.junit.jupiter.api.Test;

/** The KVM-VFIO forwarding rules of the review, and the two interrupt paths. */
class KvmVfioTest {
    private static Errno errno(Runnable call) {
        return assertThrows(KvmException.class, call::run).errno();
    }

    private static HostInterruptController.Line line(Bench b) {
        return b.hostIc.line(Bench.HOST_IRQ);
    }

    @Test
    void forwardTakesOneReferenceAndUnforwardDropsIt() {
        try (Bench b = new Bench()) {
            assertEquals(1, b.timer.references()); // the open VFIO file
            b.kvmVfio.forwardIrq(b.vfio, b.irq());
            assertEquals(2, b.timer.references());
            assertEquals(1, b.kvmVfio.forwardedCount());
            b.kvmVfio.unforwardIrq(b.vfio, b.irq());
            assertEquals(1, b.timer.references());
            assertEquals(0, b.kvmVfio.forwardedCount());
        }
    }

    @Test
    void forwardingTwiceIsEinvalAndTakesNoReference() {
        try (Bench b = new Bench()) {
            b.kvmVfio.forwardIrq(b.vfio, b.irq());
            assertEquals(Errno.EINVAL, errno(() -> b.kvmVfio.forwardIrq(b.vfio, b.irq())));
            assertEquals(Errno.EINVAL, errno(() -> b.kvmVfio.forwardIrq(b.vfio,
                    new ForwardedIrq(b.fd, 0, 0, Bench.GSI + 1))));
            assertEquals(2, b.timer.references());
        }
    }

    @Test
    void forwardingWhileSignallingOrActiveIsEbusy() {
        try (Bench b = new Bench()) {
            UserspaceIrqRoute route = new UserspaceIrqRoute(b.vm, b.device(), 0, Bench.GSI);
            assertEquals(Errno.EBUSY, errno(() -> b.kvmVfio.forwardIrq(b.vfio, b.irq())));
            route.close();
            // Active: a handler of our own takes the host interrupt and keeps it active.
            line(b).setHandler(() -> { });
            b.timer.tick(1);
            assertTrue(line(b).isActive());
            line(b).setHandler(null);
            assertEquals(Errno.EBUSY, errno(() -> b.kvmVfio.forwardIrq(b.vfio, b.irq())));
            assertEquals(1, b.timer.references());
            line(b).deactivate();
            b.kvmVfio.forwardIrq(b.vfio, b.irq());
            assertEquals(2, b.timer.references());
        }
    }

    @Test
    void badHandlesFailWhereTheyAreDetected() {
        try (Bench b = new Bench()) {
            assertEquals(Errno.EBADF, errno(() -> b.kvmVfio.forwardIrq(b.vfio, new ForwardedIrq(99, 0, 0, 40))));
            assertEquals(Errno.EINVAL, errno(() -> b.kvmVfio.forwardIrq(fd -> "a plain file", b.irq())));
            assertEquals(Errno.EINVAL, errno(() -> b.kvmVfio.forwardIrq(b.vfio, new ForwardedIrq(b.fd, 1, 0, 40))));
            assertEquals(Errno.EINVAL, errno(() -> b.kvmVfio.forwardIrq(b.vfio, new ForwardedIrq(b.fd, 0, 0, 20))));
            assertEquals(Errno.EINVAL, errno(() -> b.kvmVfio.unforwardIrq(b.vfio, b.irq()))); // not forwarded
            int fd = b.fd;
            b.vfio.close(fd);
            assertEquals(Errno.EBADF, errno(() -> b.kvmVfio.forwardIrq(b.vfio, b.irq())));
            assertEquals(0, b.timer.references());
        }
    }

    @Test
    void oneKvmVfioDevicePerVmAndAttributes() {
        try (Bench b = new Bench()) {
            assertEquals(Errno.EBUSY, errno(() -> b.vm.createDevice(DeviceType.KVM_VFIO)));
            b.kvmVfio.hasAttr(KvmVfioDevice.GRP_VFIO_DEVICE, KvmVfioDevice.FORWARD_IRQ);
            assertEquals(Errno.ENXIO, errno(() -> b.kvmVfio.hasAttr(1, KvmVfioDevice.FORWARD_IRQ)));
        }
    }

    @Test
    void forwardingNeedsAnInitialisedVgic() {
        try (Vm vm = Vm.create()) {
            KvmVfioDevice d = (KvmVfioDevice) vm.createDevice(DeviceType.KVM_VFIO);
            HostInterruptController ic = new HostInterruptController(1);
            HostTimer t = new HostTimer("t", ic.line(0));
            Vfio vfio = new Vfio();
            int fd = vfio.open(t);
            assertEquals(Errno.ENXIO, errno(() -> d.forwardIrq(vfio, new ForwardedIrq(fd, 0, 0, 40))));
            assertEquals(1, t.references());
        }
    }

    @Test
    void nonForwardedPathMasksUntilEoiAndCostsTwoExitsPerInterrupt() {
        try (Bench b = new Bench(); UserspaceIrqRoute route = new UserspaceIrqRoute(b.vm, b.device(), 0, Bench.GSI)) {
            b.timer.tick(1);
            assertTrue(line(b).isMasked());
            assertFalse(line(b).isActive()); // VFIO deactivated it at once
            assertTrue(b.guestIrqPending());
            assertEquals(Bench.GSI, b.ack());
            b.serviceDevice();
            b.timer.tick(1); // a new event while masked: not taken yet
            assertEquals(1, line(b).timesTaken());
            b.eoi(Bench.GSI);
            assertEquals(2, line(b).timesTaken()); // resample unmasked it: the new event is taken
            assertTrue(b.handleOne());
            assertFalse(b.handleOne());
            assertEquals(2, b.guestEvents);
            assertEquals(0, b.spurious);
            assertEquals(4, route.exits());
        }
    }

    @Test
    void forwardedPathDeactivatesTheHostInterruptOnGuestEoi() {
        try (Bench b = new Bench()) {
            b.kvmVfio.forwardIrq(b.vfio, b.irq());
            b.timer.tick(1);
            assertTrue(line(b).isActive());
            assertFalse(line(b).isMasked());
            assertEquals(Bench.GSI, b.ack());
            b.serviceDevice();
            b.timer.tick(1);
            assertEquals(1, line(b).timesTaken()); // still active: the new event waits
            b.eoi(Bench.GSI);
            assertEquals(2, line(b).timesTaken());
            assertTrue(b.handleOne());
            assertFalse(line(b).isActive());
            assertEquals(2, b.guestEvents);
            assertEquals(0, b.spurious);
        }
    }

    @Test
    void unforwardWhileActiveLeavesTheHostIdle() {
        try (Bench b = new Bench()) {
            b.kvmVfio.forwardIrq(b.vfio, b.irq());
            b.timer.tick(1);
            assertEquals(Bench.GSI, b.ack()); // the guest holds it active
            b.kvmVfio.unforwardIrq(b.vfio, b.irq());
            assertFalse(line(b).isActive());
            assertTrue(line(b).isPending()); // the device still asserts: not lost, waits for a handler
            assertEquals(1, b.timer.references());
        }
    }

    @Test
    void destroyingTheVmFromAnyStateReturnsTheHostDevice() {
        for (int state = 0; state < 4; state++) {
            Bench b = new Bench();
            b.kvmVfio.forwardIrq(b.vfio, b.irq());
            if (state >= 1) {
                b.timer.tick(1); // host active, virtual pending
            }
            if (state >= 2) {
                b.ack(); // virtual active
            }
            if (state == 3) {
                b.kvmVfio.unforwardIrq(b.vfio, b.irq());
                b.kvmVfio.forwardIrq(b.vfio, b.irq());
            }
            b.vm.close();
            assertFalse(line(b).isActive(), "state " + state);
            assertFalse(line(b).isMasked(), "state " + state);
            assertFalse(line(b).hasHandler(), "state " + state);
            assertEquals(1, b.timer.references(), "state " + state);
            b.vfio.close(b.fd);
            assertEquals(0, b.timer.references());
            assertEquals(Errno.EBADF, errno(() -> b.kvmVfio.forwardIrq(b.vfio, b.irq())));
        }
    }

    @Test
    void closingTheFileEndsItsRouteCleanly() {
        try (Bench b = new Bench()) {
            UserspaceIrqRoute route = new UserspaceIrqRoute(b.vm, b.device(), 0, Bench.GSI);
            b.timer.tick(1);
            assertTrue(line(b).isMasked());
            assertTrue(b.guestIrqPending());
            b.vfio.close(b.fd);
            assertTrue(route.isEnded());
            assertFalse(b.guestIrqPending()); // the SPI was lowered
            assertFalse(line(b).isMasked());
            assertFalse(line(b).hasHandler());
            assertTrue(line(b).isPending()); // the event waits at the host for the next handler
            assertEquals(1023, b.ack());
            long exits = route.exits();
            b.fd = b.vfio.open(b.timer);
            b.kvmVfio.forwardIrq(b.vfio, b.irq());
            assertTrue(b.handleOne()); // taken once, through the forward
            assertFalse(b.handleOne());
            assertEquals(exits, route.exits()); // the old route's resampler did not run
            assertEquals(1, b.guestEvents);
            assertEquals(0, b.spurious);
            route.close(); // after the hang-up: nothing left to do
            assertEquals(2, b.timer.references());
        }
    }
}
