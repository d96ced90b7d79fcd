package dev.armature.devices.virtio;

import dev.armature.memory.PhysicalMemory;

import java.util.function.Consumer;

/**
 * A virtio console (device ID 3, virtio 1.2 section 5.3) with a single port: queue 0 is receiveq (host to
 * guest), queue 1 transmitq (guest to host). What the guest transmits goes to {@code output}.
 *
 * <p>No feature bits are offered (no MULTIPORT, SIZE or EMERG_WRITE): QEMU's virtio-serial offers MULTIPORT,
 * but drivers that do not accept it (kvm-unit-tests' chr-testdev) use exactly this single-port layout.
 */
public final class VirtioConsole implements VirtioDevice {
    public static final int DEVICE_ID = 3;
    public static final int RECEIVEQ = 0;
    public static final int TRANSMITQ = 1;
    private static final int QUEUE_SIZE = 128;

    private final PhysicalMemory mem;
    private final Consumer<byte[]> output;

    public VirtioConsole(PhysicalMemory mem, Consumer<byte[]> output) {
        this.mem = mem;
        this.output = output;
    }

    @Override
    public int deviceId() {
        return DEVICE_ID;
    }

    @Override
    public int queueCount() {
        return 2;
    }

    @Override
    public int queueMaxSize() {
        return QUEUE_SIZE;
    }

    @Override
    public void notify(int index, VirtQueue queue) {
        if (index != TRANSMITQ) {
            return; // receive buffers wait until there is input; the console's backends produce none
        }
        for (VirtQueue.Chain c = queue.pop(); c != null; c = queue.pop()) {
            byte[] data = c.readAll(mem);
            queue.push(c.head(), 0);
            output.accept(data);
        }
    }
}
