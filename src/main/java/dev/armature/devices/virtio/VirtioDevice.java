package dev.armature.devices.virtio;

/** A virtio device model behind a transport (Virtual I/O Device (VIRTIO) Version 1.2, chapter 5). */
public interface VirtioDevice {
    /** Device ID (virtio 1.2 section 5): 2 = block, 3 = console, 4 = entropy, 0 = none. */
    int deviceId();

    /** Feature bits the device offers (the transport adds VIRTIO_F_VERSION_1 where it applies); none by default. */
    default long features() {
        return 0;
    }

    int queueCount();

    /** The largest queue size the device accepts (QueueNumMax). */
    int queueMaxSize();

    /**
     * Device-specific configuration space, read at {@code offset} (little-endian); by default none, which reads as
     * zero (a console without SIZE/MULTIPORT/EMERG_WRITE has only fields those features make meaningful).
     */
    default long readConfig(int offset, int size) {
        return 0;
    }

    /** The driver made buffers available on queue {@code index} and notified the device. */
    void notify(int index, VirtQueue queue);

    /**
     * The driver reset the device (status written as zero). By default nothing to do: a device without state of
     * its own beyond the queues, which the transport resets.
     */
    default void reset() {
    }
}
