package dev.armature.host;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The host machine a VMM runs on: its interrupt controller and its devices by name (what
 * {@code -device vfio-platform,host=NAME} will look up).
 */
public final class HostPlatform {
    /** The devices of {@link #standard()}, by name. */
    public static final List<String> STANDARD_DEVICES = List.of("timer0", "timer1");

    private final HostInterruptController interruptController;
    private final Map<String, HostDevice> devices = new LinkedHashMap<>();

    public HostPlatform(int interruptLines) {
        interruptController = new HostInterruptController(interruptLines);
    }

    /**
     * The modelled host the {@code virt} board assigns devices from: host timers {@code timer0} and
     * {@code timer1} on host lines 0 and 1, ticking in real time (one tick per microsecond).
     */
    public static HostPlatform standard() {
        HostPlatform host = new HostPlatform(STANDARD_DEVICES.size());
        for (int i = 0; i < STANDARD_DEVICES.size(); i++) {
            host.add(new HostTimer(STANDARD_DEVICES.get(i), host.interruptController().line(i))).runInRealTime();
        }
        return host;
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

    /** The names of the host's devices, in the order they were added. */
    public synchronized List<String> deviceNames() {
        return List.copyOf(devices.keySet());
    }

    /** The device called {@code name}, if any. */
    public synchronized Optional<HostDevice> device(String name) {
        return Optional.ofNullable(devices.get(name));
    }
}
