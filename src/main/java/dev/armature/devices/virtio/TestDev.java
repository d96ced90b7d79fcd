package dev.armature.devices.virtio;

import dev.armature.migration.Snapshottable;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.function.IntConsumer;

/**
 * QEMU's {@code testdev} character backend, the exit channel of kvm-unit-tests: the guest writes a decimal
 * number followed by {@code q} and the emulator exits with status {@code (number << 1) | 1}. Other characters
 * discard the number being collected.
 */
public final class TestDev implements Snapshottable {
    private final IntConsumer exit;
    private long number;

    /** @param exit called with the exit status when the guest asks to quit */
    public TestDev(IntConsumer exit) {
        this.exit = exit;
    }

    /** Saves the number collected so far (a guest may be saved between writing its digits and the q). */
    @Override
    public synchronized void saveState(DataOutput out) throws IOException {
        out.writeLong(number);
    }

    @Override
    public Runnable loadState(DataInput in) throws IOException {
        long n = in.readLong();
        return () -> {
            synchronized (this) {
                number = n;
            }
        };
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
