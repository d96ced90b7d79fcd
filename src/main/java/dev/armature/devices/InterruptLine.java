package dev.armature.devices;

/**
 * A device's interrupt output wire, driven at its level (true = asserted). The interrupt controller supplies the
 * implementation; {@link #NONE} is the wire of a board without one.
 */
@FunctionalInterface
public interface InterruptLine {
    InterruptLine NONE = level -> {
    };

    void set(boolean level);
}
