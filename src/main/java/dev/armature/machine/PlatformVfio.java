package dev.armature.machine;

import dev.armature.host.HostDevice;
import dev.armature.host.HostPlatform;
import dev.armature.memory.MmioHandler;
import dev.armature.memory.PhysicalMemory;
import dev.armature.vfio.UserspaceIrqRoute;
import dev.armature.vfio.Vfio;
import dev.armature.vfio.VfioDmaMapping;
import dev.armature.vfio.VfioPlatformDevice;
import dev.armature.vm.IrqChip;
import dev.armature.vm.KvmException;
import dev.armature.vm.KvmVfioDevice;

import java.util.ArrayList;
import java.util.List;

import static dev.armature.machine.VirtMemoryMap.RAM_BASE;

/**
 * Host devices assigned to the {@code virt} board's guest ({@code -device vfio-platform,host=NAME[,forward=on|off]}),
 * the board acting as the VMM. Each device is opened through VFIO (which holds a reference on it), its registers
 * appear on the platform bus (see {@link PlatformBus}), its DMA reaches guest RAM at guest physical addresses
 * ({@link VfioDmaMapping}), and its interrupt reaches its SPI either through the VMM
 * ({@link UserspaceIrqRoute}: two VMM exits per interrupt) or forwarded in the GIC through KVM-VFIO
 * ({@link KvmVfioDevice}: none).
 *
 * <p>Each window is two pages: the device's registers, then a VMM control page, Armature's test facility for
 * switching the mode at run time (QEMU has no such page):
 * <ul>
 * <li>{@code 0x1000 FORWARD}: reads 1 while the interrupt is forwarded; writing 1 forwards it, 0 routes it
 * through the VMM again. The guest should switch while the interrupt is quiet: forwarding a host interrupt that
 * is active fails (EBUSY) and leaves the VMM route in place;</li>
 * <li>{@code 0x1004 ERRNO}: 0 if the last switch succeeded, else the errno KVM-VFIO refused it with;</li>
 * <li>{@code 0x1008 EXITS}: VMM exits the device's interrupt has cost so far (low 32 bits).</li>
 * </ul>
 *
 * <p>Locking: this object is the VMM's configuration lock (KVM-VFIO's), taken before the GIC's and the host
 * interrupt controller's.
 */
public final class PlatformVfio implements AutoCloseable {
    /** Bus space per assigned device: its register page and the VMM control page. */
    public static final long WINDOW_SIZE = 0x2000;
    public static final long CONTROL_OFFSET = 0x1000;
    public static final int CONTROL_FORWARD = 0x0;
    public static final int CONTROL_ERRNO = 0x4;
    public static final int CONTROL_EXITS = 0x8;

    private final Vfio vfio = new Vfio();
    /** The VM's interrupt lines (its vGIC): routes and forwards go through it. */
    private final IrqChip chip;
    private final KvmVfioDevice kvmVfio;
    private final List<Assigned> assigned = new ArrayList<>();

    /**
     * Opens and maps every device of {@code config.vfio()} from {@code host}.
     *
     * @throws IllegalArgumentException naming the device if the host has no such device or it does not fit
     */
    PlatformVfio(VirtConfig config, PlatformBus bus, IrqChip chip, PhysicalMemory mem, HostPlatform host) {
        this.chip = chip;
        kvmVfio = new KvmVfioDevice(chip, this);
        try {
            for (int i = 0; i < config.vfio().size(); i++) {
                VirtConfig.VfioAssignment a = config.vfio().get(i);
                HostDevice device = host.device(a.host()).orElseThrow(() -> new IllegalArgumentException(
                        "-device vfio-platform,host=" + a.host() + ": the host has no such device (it has "
                                + String.join(", ", host.deviceNames()) + ")"));
                if (device.mmioSize() > CONTROL_OFFSET) {
                    throw new IllegalArgumentException("-device vfio-platform,host=" + a.host()
                            + ": its registers do not fit a page");
                }
                PlatformBus.Slot slot = bus.vfio(i);
                Assigned d = new Assigned(device, 32 + slot.spi(), a.forward(), mem, config.ramSize());
                assigned.add(d);
                mem.addMmio("vfio-platform." + a.host(), slot.base(), WINDOW_SIZE, d);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The {@code i}-th assigned device's VFIO side, in command-line order. */
    public VfioPlatformDevice device(int i) {
        return assigned.get(i).device;
    }

    /** Whether the {@code i}-th assigned device's interrupt is forwarded now. */
    public synchronized boolean isForwarded(int i) {
        return assigned.get(i).forwarded;
    }

    /** VMM exits the {@code i}-th device's interrupt has cost so far. */
    public synchronized long exits(int i) {
        return assigned.get(i).exits();
    }

    /** System reset: each device is reset (VFIO_DEVICE_RESET) and its interrupt returns to its configured mode. */
    synchronized void reset() {
        for (Assigned d : assigned) {
            d.teardown();
            d.device.hostDevice().reset();
            d.setup(d.initiallyForwarded);
        }
    }

    /** Returns every device to the host: routes and forwards torn down, devices reset, files closed. */
    @Override
    public synchronized void close() {
        for (Assigned d : assigned) {
            d.teardown();
            d.device.hostDevice().reset();
            d.dma.close();
            vfio.close(d.fd);
        }
        assigned.clear();
        kvmVfio.unforwardAll();
    }

    /** One assigned device: its file, DMA mapping, interrupt route and register window. */
    private final class Assigned implements MmioHandler {
        final int fd;
        final VfioPlatformDevice device;
        final VfioDmaMapping dma;
        final int gsi;
        final boolean initiallyForwarded;
        boolean forwarded;
        UserspaceIrqRoute route;
        /** Exits of routes already torn down. */
        long pastExits;
        int errno;

        Assigned(HostDevice host, int gsi, boolean forward, PhysicalMemory mem, long ramSize) {
            fd = vfio.open(host);
            device = vfio.device(fd);
            dma = new VfioDmaMapping(device, mem, RAM_BASE, ramSize);
            this.gsi = gsi;
            initiallyForwarded = forward;
            setup(forward);
        }

        KvmVfioDevice.ForwardedIrq irq() {
            return new KvmVfioDevice.ForwardedIrq(fd, 0, 0, gsi);
        }

        long exits() {
            return pastExits + (route != null ? route.exits() : 0);
        }

        /** Forwards the interrupt or routes it through the VMM; a refused forward leaves the VMM route. */
        void setup(boolean forward) {
            errno = 0;
            if (forward) {
                try {
                    kvmVfio.forwardIrq(vfio, irq());
                    forwarded = true;
                    return;
                } catch (KvmException e) {
                    errno = e.errno().value();
                }
            }
            route = new UserspaceIrqRoute(chip, device, 0, gsi);
        }

        /** Undoes {@link #setup}; cannot fail. */
        void teardown() {
            if (forwarded) {
                kvmVfio.unforwardIrq(vfio, irq());
                forwarded = false;
            }
            if (route != null) {
                route.close();
                pastExits += route.exits();
                route = null;
            }
        }

        void switchMode(boolean forward) {
            synchronized (PlatformVfio.this) {
                if (forward == forwarded) {
                    errno = 0;
                    return;
                }
                teardown();
                setup(forward);
            }
        }

        @Override
        public long read(long offset, int size) {
            if (offset < CONTROL_OFFSET) {
                return size == 4 ? device.readRegister((int) offset) & 0xffff_ffffL : 0;
            }
            synchronized (PlatformVfio.this) {
                return switch ((int) (offset - CONTROL_OFFSET)) {
                    case CONTROL_FORWARD -> forwarded ? 1 : 0;
                    case CONTROL_ERRNO -> errno;
                    case CONTROL_EXITS -> exits() & 0xffff_ffffL;
                    default -> 0;
                };
            }
        }

        @Override
        public void write(long offset, int size, long value) {
            if (offset < CONTROL_OFFSET) {
                if (size == 4) {
                    device.writeRegister((int) offset, (int) value);
                }
            } else if (offset - CONTROL_OFFSET == CONTROL_FORWARD) {
                switchMode((value & 1) != 0);
            }
        }
    }
}
