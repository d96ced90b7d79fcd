package dev.armature.host;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The host machine a VMM runs on: its interrupt controller and its devices by name (what
 * {@code -device vfio-platform,host=NAME} will look up).
 */
public final class HostPlatform {
    private final HostInterruptController interruptController;
    private final Map<String, HostDevice> devices = new LinkedHashMap<>();

    public HostPlatform(int interruptLines) {
        interruptController = new HostInterruptController(interruptLines);
    }

    public HostInterruptController interruptController() {
        return interruptController;
    }

    /** Adds a device; its name must be new. */
    public synchronized <D extends HostDevice> D add(D device) {
        if (devices.putIfAbsent(device.name(), device) != null) {
            throw new IllegalArgumentException("the host already has a device named " + device.name());
        }
        return device;
    }

    /** The device called {@code name}, if any. */
    public synchronized Optional<HostDevice> device(String name) {
        return Optional.ofNullable(devices.get(name));
    }
}
