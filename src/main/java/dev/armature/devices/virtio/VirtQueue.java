package dev.armature.devices.virtio;

import dev.armature.memory.BusError;
import dev.armature.memory.PhysicalMemory;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A split virtqueue living in guest RAM (virtio 1.2 section 2.7): descriptor table, available ring (driver
 * area) and used ring (device area), read and written through the guest physical address space.
 */
public final class VirtQueue {
    public static final int VIRTQ_DESC_F_NEXT = 1;
    public static final int VIRTQ_DESC_F_WRITE = 2;
    public static final int VIRTQ_DESC_F_INDIRECT = 4;
    public static final int VIRTQ_AVAIL_F_NO_INTERRUPT = 1;

    /** One buffer of a descriptor chain. */
    public record Buffer(long address, int length, boolean deviceWritable) {
    }

    /** A descriptor chain taken from the available ring: its head index and its buffers in order. */
    public record Chain(int head, List<Buffer> buffers) {
        /** The bytes of all device-readable buffers, concatenated. */
        public byte[] readAll(PhysicalMemory mem) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (Buffer b : buffers) {
                if (!b.deviceWritable()) {
                    out.writeBytes(mem.readBytes(b.address(), b.length()));
                }
            }
            return out.toByteArray();
        }
    }

    private final PhysicalMemory mem;
    private final int size;
    private final long desc;
    private final long avail;
    private final long used;
    private int lastAvail;

    public VirtQueue(PhysicalMemory mem, int size, long desc, long avail, long used) {
        this.mem = mem;
        this.size = size;
        this.desc = desc;
        this.avail = avail;
        this.used = used;
    }

    /** The legacy layout: avail follows the descriptors, used starts at the next {@code align} boundary. */
    public static VirtQueue legacy(PhysicalMemory mem, int size, long base, int align) {
        long availAddr = base + 16L * size;
        long usedAddr = (availAddr + 6 + 2L * size + align - 1) & -(long) align;
        return new VirtQueue(mem, size, base, availAddr, usedAddr);
    }

    /** The index in the available ring of the next buffer the device will take (snapshot state). */
    int lastAvail() {
        return lastAvail;
    }

    void setLastAvail(int index) {
        lastAvail = index;
    }

    public int size() {
        return size;
    }

    public long descAddress() {
        return desc;
    }

    public long availAddress() {
        return avail;
    }

    public long usedAddress() {
        return used;
    }

    /** The next available chain, or null if the driver has made none available since the last one. */
    public Chain pop() {
        try {
            int availIdx = (int) mem.read(avail + 2, 2);
            if (availIdx == lastAvail) {
                return null;
            }
            if (((availIdx - lastAvail) & 0xffff) > size) {
                throw new VirtQueueException("available index moved by more than the queue size");
            }
            int head = (int) mem.read(avail + 4 + 2L * (lastAvail % size), 2);
            lastAvail = (lastAvail + 1) & 0xffff;
            return new Chain(head, walk(head));
        } catch (BusError e) {
            throw new VirtQueueException("virtqueue ring outside RAM: " + e.getMessage());
        }
    }

    private List<Buffer> walk(int head) {
        List<Buffer> buffers = new ArrayList<>();
        int i = head;
        for (int n = 0; ; n++) {
            if (i >= size || n >= size) {
                throw new VirtQueueException(i >= size ? "descriptor index " + i + " beyond the queue size"
                        : "descriptor chain longer than the queue (a loop?)");
            }
            long d = desc + 16L * i;
            long addr = mem.read(d, 8);
            int len = (int) mem.read(d + 8, 4);
            int flags = (int) mem.read(d + 12, 2);
            if ((flags & VIRTQ_DESC_F_INDIRECT) != 0) {
                throw new VirtQueueException("indirect descriptor, a feature that was not offered");
            }
            mem.ramSlice(addr, Integer.toUnsignedLong(len)); // checks the buffer is RAM now, not mid-transfer
            buffers.add(new Buffer(addr, len, (flags & VIRTQ_DESC_F_WRITE) != 0));
            if ((flags & VIRTQ_DESC_F_NEXT) == 0) {
                return buffers;
            }
            i = (int) mem.read(d + 14, 2);
        }
    }

    /** Returns chain {@code head} to the driver with {@code written} bytes written into its buffers. */
    public void push(int head, int written) {
        try {
            int usedIdx = (int) mem.read(used + 2, 2);
            long e = used + 4 + 8L * (usedIdx % size);
            mem.write(e, 4, head);
            mem.write(e + 4, 4, written);
            mem.write(used + 2, 2, (usedIdx + 1) & 0xffff);
        } catch (BusError e) {
            throw new VirtQueueException("used ring outside RAM: " + e.getMessage());
        }
    }

    /** True unless the driver asked not to be interrupted (VIRTQ_AVAIL_F_NO_INTERRUPT). */
    public boolean wantsInterrupt() {
        return (mem.read(avail, 2) & VIRTQ_AVAIL_F_NO_INTERRUPT) == 0;
    }
}
