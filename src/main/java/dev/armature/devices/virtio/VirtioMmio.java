package dev.armature.devices.virtio;

import dev.armature.devices.InterruptLine;
import dev.armature.memory.MmioHandler;
import dev.armature.memory.PhysicalMemory;
import dev.armature.migration.Snapshottable;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The virtio-mmio transport (virtio 1.2 section 4.2): one 0x200-byte register window, holding one device or
 * none (an empty slot reads as magic/version/vendor with DeviceID 0, as QEMU's unused {@code virt} slots do).
 *
 * <p>Version 1 is the legacy register layout (GuestPageSize, QueueAlign, QueuePFN), which QEMU 7.2 presents by
 * default ({@code force-legacy=on}); version 2 is the modern layout (QueueReady and 64-bit ring addresses) and
 * offers VIRTIO_F_VERSION_1.
 */
public final class VirtioMmio implements MmioHandler, Snapshottable {
    public static final int MAGIC = 0x74726976; // "virt"
    public static final int VENDOR_QEMU = 0x554d4551; // "QEMU"
    public static final long VIRTIO_F_VERSION_1 = 1L << 32;
    public static final int SIZE = 0x200;

    public static final int STATUS_NEEDS_RESET = 0x40;
    public static final int INT_USED_BUFFER = 1;

    private static final int R_MAGIC = 0x000;
    private static final int R_VERSION = 0x004;
    private static final int R_DEVICE_ID = 0x008;
    private static final int R_VENDOR_ID = 0x00c;
    private static final int R_DEVICE_FEATURES = 0x010;
    private static final int R_DEVICE_FEATURES_SEL = 0x014;
    private static final int R_DRIVER_FEATURES = 0x020;
    private static final int R_DRIVER_FEATURES_SEL = 0x024;
    private static final int R_GUEST_PAGE_SIZE = 0x028;
    private static final int R_QUEUE_SEL = 0x030;
    private static final int R_QUEUE_NUM_MAX = 0x034;
    private static final int R_QUEUE_NUM = 0x038;
    private static final int R_QUEUE_ALIGN = 0x03c;
    private static final int R_QUEUE_PFN = 0x040;
    private static final int R_QUEUE_READY = 0x044;
    private static final int R_QUEUE_NOTIFY = 0x050;
    private static final int R_INTERRUPT_STATUS = 0x060;
    private static final int R_INTERRUPT_ACK = 0x064;
    private static final int R_STATUS = 0x070;
    private static final int R_QUEUE_DESC_LOW = 0x080;
    private static final int R_QUEUE_DESC_HIGH = 0x084;
    private static final int R_QUEUE_DRIVER_LOW = 0x090;
    private static final int R_QUEUE_DRIVER_HIGH = 0x094;
    private static final int R_QUEUE_DEVICE_LOW = 0x0a0;
    private static final int R_QUEUE_DEVICE_HIGH = 0x0a4;
    private static final int R_CONFIG_GENERATION = 0x0fc;
    private static final int R_CONFIG = 0x100;

    /** Per-queue registers as the driver programs them. */
    private static final class QueueRegs {
        int num;
        int align = 4096;
        long pfn;
        boolean ready;
        long desc;
        long driver;
        long device;
        VirtQueue active;
    }

    private final PhysicalMemory mem;
    private final int version;
    private final VirtioDevice device;
    private final InterruptLine irq;
    private final QueueRegs[] queues;

    private int deviceFeaturesSel;
    private int driverFeaturesSel;
    private long driverFeatures;
    private int guestPageSize = 4096;
    private int queueSel;
    private int interruptStatus;
    private int status;

    /**
     * @param version 1 (legacy) or 2 (modern)
     * @param device  the device, or null for an empty slot
     */
    public VirtioMmio(PhysicalMemory mem, int version, VirtioDevice device, InterruptLine irq) {
        if (version != 1 && version != 2) {
            throw new IllegalArgumentException("virtio-mmio version must be 1 or 2, not " + version);
        }
        this.mem = mem;
        this.version = version;
        this.device = device;
        this.irq = irq;
        this.queues = new QueueRegs[device == null ? 0 : device.queueCount()];
        for (int i = 0; i < queues.length; i++) {
            queues[i] = new QueueRegs();
        }
    }

    public VirtioDevice device() {
        return device;
    }

    /**
     * Saves the transport registers and each queue's registers, its active geometry and the next available
     * index the device will consume. The device behind it keeps no state of its own (a console forwards bytes).
     */
    @Override
    public synchronized void saveState(DataOutput out) throws IOException {
        out.writeInt(version);
        out.writeInt(device.deviceId());
        out.writeInt(queues.length);
        for (int r : new int[] {deviceFeaturesSel, driverFeaturesSel, guestPageSize, queueSel, interruptStatus,
            status}) {
            out.writeInt(r);
        }
        out.writeLong(driverFeatures);
        for (QueueRegs q : queues) {
            out.writeInt(q.num);
            out.writeInt(q.align);
            out.writeLong(q.pfn);
            out.writeBoolean(q.ready);
            out.writeLong(q.desc);
            out.writeLong(q.driver);
            out.writeLong(q.device);
            out.writeBoolean(q.active != null);
            if (q.active != null) {
                out.writeInt(q.active.size());
                out.writeLong(q.active.descAddress());
                out.writeLong(q.active.availAddress());
                out.writeLong(q.active.usedAddress());
                out.writeInt(q.active.lastAvail());
            }
        }
    }

    @Override
    public Runnable loadState(DataInput in) throws IOException {
        int savedVersion = in.readInt();
        int deviceId = in.readInt();
        int count = in.readInt();
        if (savedVersion != version || deviceId != device.deviceId() || count != queues.length) {
            throw new IOException(String.format("virtio-mmio: saved version %d device %d with %d queues, this slot "
                    + "is version %d device %d with %d queues", savedVersion, deviceId, count, version,
                    device.deviceId(), queues.length));
        }
        int[] regs = new int[6];
        for (int i = 0; i < regs.length; i++) {
            regs[i] = in.readInt();
        }
        long features = in.readLong();
        QueueRegs[] qs = new QueueRegs[count];
        for (int i = 0; i < count; i++) {
            QueueRegs q = new QueueRegs();
            q.num = in.readInt();
            q.align = in.readInt();
            q.pfn = in.readLong();
            q.ready = in.readBoolean();
            q.desc = in.readLong();
            q.driver = in.readLong();
            q.device = in.readLong();
            if (in.readBoolean()) {
                int size = in.readInt();
                if (!validSize(size)) {
                    throw new IOException("virtio-mmio: queue " + i + " has invalid size " + size);
                }
                q.active = new VirtQueue(mem, size, in.readLong(), in.readLong(), in.readLong());
                q.active.setLastAvail(in.readInt());
            }
            qs[i] = q;
        }
        return () -> {
            synchronized (this) {
                int i = 0;
                deviceFeaturesSel = regs[i++];
                driverFeaturesSel = regs[i++];
                guestPageSize = regs[i++];
                queueSel = regs[i++];
                interruptStatus = regs[i++];
                status = regs[i];
                driverFeatures = features;
                System.arraycopy(qs, 0, queues, 0, queues.length);
                irq.set(interruptStatus != 0);
            }
        };
    }

    @Override
    public synchronized long read(long offset, int size) {
        int off = (int) offset;
        switch (off) {
            case R_MAGIC:
                return MAGIC;
            case R_VERSION:
                return version;
            case R_VENDOR_ID:
                return VENDOR_QEMU;
            default:
                break;
        }
        if (device == null) {
            return 0;
        }
        if (off >= R_CONFIG) {
            return device.readConfig(off - R_CONFIG, size);
        }
        QueueRegs q = selected();
        return switch (off) {
            case R_DEVICE_ID -> device.deviceId();
            case R_DEVICE_FEATURES -> switch (deviceFeaturesSel) {
                case 0 -> offeredFeatures() & 0xffff_ffffL;
                case 1 -> offeredFeatures() >>> 32;
                default -> 0;
            };
            case R_QUEUE_NUM_MAX -> q == null ? 0 : device.queueMaxSize();
            case R_QUEUE_PFN -> version == 1 && q != null ? q.pfn : 0;
            case R_QUEUE_READY -> version == 2 && q != null && q.ready ? 1 : 0;
            case R_INTERRUPT_STATUS -> interruptStatus;
            case R_STATUS -> status;
            case R_CONFIG_GENERATION -> 0; // the configuration never changes
            default -> 0;
        };
    }

    @Override
    public synchronized void write(long offset, int size, long value) {
        if (device == null) {
            return;
        }
        int v = (int) value;
        QueueRegs q = selected();
        switch ((int) offset) {
            case R_DEVICE_FEATURES_SEL -> deviceFeaturesSel = v;
            case R_DRIVER_FEATURES -> {
                if (driverFeaturesSel == 0) {
                    driverFeatures = (driverFeatures & ~0xffff_ffffL) | Integer.toUnsignedLong(v);
                } else if (driverFeaturesSel == 1) {
                    driverFeatures = (driverFeatures & 0xffff_ffffL) | (long) v << 32;
                }
            }
            case R_DRIVER_FEATURES_SEL -> driverFeaturesSel = v;
            case R_GUEST_PAGE_SIZE -> {
                if (version == 1) {
                    guestPageSize = v;
                }
            }
            case R_QUEUE_SEL -> queueSel = v;
            case R_QUEUE_NUM -> {
                if (q != null) {
                    q.num = v;
                }
            }
            case R_QUEUE_ALIGN -> {
                if (version == 1 && q != null) {
                    q.align = v;
                }
            }
            case R_QUEUE_PFN -> {
                if (version == 1 && q != null) {
                    q.pfn = Integer.toUnsignedLong(v);
                    q.active = q.pfn == 0 ? null : legacyQueue(q);
                }
            }
            case R_QUEUE_READY -> {
                if (version == 2 && q != null) {
                    q.ready = (v & 1) != 0;
                    q.active = q.ready ? modernQueue(q) : null;
                }
            }
            case R_QUEUE_NOTIFY -> notifyQueue(v);
            case R_INTERRUPT_ACK -> {
                interruptStatus &= ~v;
                irq.set(interruptStatus != 0);
            }
            case R_STATUS -> {
                if (v == 0) {
                    reset();
                } else {
                    status = v & 0xff;
                }
            }
            case R_QUEUE_DESC_LOW -> setLow(q, 0, v);
            case R_QUEUE_DESC_HIGH -> setHigh(q, 0, v);
            case R_QUEUE_DRIVER_LOW -> setLow(q, 1, v);
            case R_QUEUE_DRIVER_HIGH -> setHigh(q, 1, v);
            case R_QUEUE_DEVICE_LOW -> setLow(q, 2, v);
            case R_QUEUE_DEVICE_HIGH -> setHigh(q, 2, v);
            default -> {
                // read-only registers and device configuration writes (nothing writable is offered)
            }
        }
    }

    /** The features the driver accepted. */
    public synchronized long driverFeatures() {
        return driverFeatures;
    }

    private long offeredFeatures() {
        return device.features() | (version == 2 ? VIRTIO_F_VERSION_1 : 0);
    }

    private QueueRegs selected() {
        return queueSel >= 0 && queueSel < queues.length ? queues[queueSel] : null;
    }

    private VirtQueue legacyQueue(QueueRegs q) {
        return validSize(q.num) ? VirtQueue.legacy(mem, q.num, q.pfn * guestPageSize, q.align) : null;
    }

    private VirtQueue modernQueue(QueueRegs q) {
        return validSize(q.num) ? new VirtQueue(mem, q.num, q.desc, q.driver, q.device) : null;
    }

    private boolean validSize(int num) {
        return num > 0 && num <= device.queueMaxSize() && Integer.bitCount(num) == 1;
    }

    private static void setLow(QueueRegs q, int which, int v) {
        if (q != null) {
            set(q, which, (get(q, which) & ~0xffff_ffffL) | Integer.toUnsignedLong(v));
        }
    }

    private static void setHigh(QueueRegs q, int which, int v) {
        if (q != null) {
            set(q, which, (get(q, which) & 0xffff_ffffL) | (long) v << 32);
        }
    }

    private static long get(QueueRegs q, int which) {
        return which == 0 ? q.desc : which == 1 ? q.driver : q.device;
    }

    private static void set(QueueRegs q, int which, long v) {
        switch (which) {
            case 0 -> q.desc = v;
            case 1 -> q.driver = v;
            default -> q.device = v;
        }
    }

    private void notifyQueue(int index) {
        if (index < 0 || index >= queues.length || queues[index].active == null
                || (status & STATUS_NEEDS_RESET) != 0) {
            return;
        }
        VirtQueue vq = queues[index].active;
        try {
            device.notify(index, vq);
            if (vq.wantsInterrupt()) {
                interruptStatus |= INT_USED_BUFFER;
                irq.set(true);
            }
        } catch (VirtQueueException e) {
            // The driver broke the queue protocol: the device stops until reset (virtio 1.2 2.1.2).
            status |= STATUS_NEEDS_RESET;
        }
    }

    /** Device reset: what the driver gets by writing 0 to Status, and what a system reset does. */
    public synchronized void reset() {
        status = 0;
        driverFeatures = 0;
        deviceFeaturesSel = 0;
        driverFeaturesSel = 0;
        queueSel = 0;
        interruptStatus = 0;
        guestPageSize = 4096;
        for (int i = 0; i < queues.length; i++) {
            queues[i] = new QueueRegs();
        }
        device.reset();
        irq.set(false);
    }
}
