package dev.armature.devices.virtio;

import java.util.function.IntConsumer;

/**
 * QEMU's {@code testdev} character backend, the exit channel of kvm-unit-tests: the guest writes a decimal
 * number followed by {@code q} and the emulator exits with status {@code (number << 1) | 1}. Other characters
 * discard the number being collected.
 */
public final class TestDev {
    private final IntConsumer exit;
    private long number;

    /** @param exit called with the exit status when the guest asks to quit */
    public TestDev(IntConsumer exit) {
        this.exit = exit;
    }

    public synchronized void write(byte[] data) {
        for (byte b : data) {
            if (b >= '0' && b <= '9') {
                number = number * 10 + (b - '0');
            } else if (b == 'q') {
                exit.accept((int) (number << 1) | 1);
                number = 0;
            } else {
                number = 0;
            }
        }
    }
}
