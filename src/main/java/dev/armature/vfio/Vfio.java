package dev.armature.vfio;

import static dev.armature.vm.Errno.EBADF;

import dev.armature.host.HostDevice;
import dev.armature.vm.FileTable;
import dev.armature.vm.KvmException;

import java.util.HashMap;
import java.util.Map;

/**
 * A VMM process's VFIO device files: file descriptors for opened host devices, which it passes to KVM-VFIO.
 * Opening a device takes a reference on it, closing the file drops it.
 */
public final class Vfio implements FileTable {
    private final Map<Integer, VfioPlatformDevice> files = new HashMap<>();
    private int nextFd = 3;

    /** Opens {@code device} as a VFIO platform device; returns its file descriptor. */
    public synchronized int open(HostDevice device) {
        int fd = nextFd++;
        files.put(fd, new VfioPlatformDevice(device));
        return fd;
    }

    /** The device behind {@code fd}; EBADF if it is not open. */
    public synchronized VfioPlatformDevice device(int fd) {
        VfioPlatformDevice d = files.get(fd);
        if (d == null) {
            throw new KvmException(EBADF, "fd " + fd + " is not open");
        }
        return d;
    }

    /** Closes {@code fd}: its signalling is torn down and its reference dropped. EBADF if not open. */
    public synchronized void close(int fd) {
        device(fd).release();
        files.remove(fd);
    }

    @Override
    public synchronized Object file(int fd) {
        return files.get(fd);
    }
}
