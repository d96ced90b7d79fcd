package dev.armature.devices.virtio;

/** The driver set up a virtqueue the device cannot follow (descriptor outside RAM, loop, bad index). */
public final class VirtQueueException extends RuntimeException {
    public VirtQueueException(String message) {
        super(message, null, false, false);
    }
}
