package dev.armature.devices.virtio;

import dev.armature.memory.PhysicalMemory;

import java.util.Random;

/**
 * A virtio entropy device (device ID 4, virtio 1.2 section 5.4): one queue, requestq, whose device-writable
 * buffers the device fills with random bytes from the host's {@link Random} source (a
 * {@link java.security.SecureRandom} on the board). No features, no configuration space.
 */
public final class VirtioRng implements VirtioDevice {
    public static final int DEVICE_ID = 4;
    private static final int QUEUE_SIZE = 8;
    /** Bytes given per request at most, so that a huge buffer does not stall the vCPU (the driver asks again). */
    private static final int MAX_BYTES = 4096;

    private final PhysicalMemory mem;
    private final Random source;

    public VirtioRng(PhysicalMemory mem, Random source) {
        this.mem = mem;
        this.source = source;
    }

    @Override
    public int deviceId() {
        return DEVICE_ID;
    }

    @Override
    public int queueCount() {
        return 1;
    }

    @Override
    public int queueMaxSize() {
        return QUEUE_SIZE;
    }

    @Override
    public void notify(int index, VirtQueue queue) {
        for (VirtQueue.Chain c = queue.pop(); c != null; c = queue.pop()) {
            int written = 0;
            for (VirtQueue.Buffer b : c.buffers()) {
                if (!b.deviceWritable() || written == MAX_BYTES) {
                    continue;
                }
                byte[] bytes = new byte[(int) Math.min(MAX_BYTES - written, Integer.toUnsignedLong(b.length()))];
                source.nextBytes(bytes);
                mem.writeBytes(b.address(), bytes);
                written += bytes.length;
            }
            queue.push(c.head(), written);
        }
    }
}
