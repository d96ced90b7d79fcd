package dev.armature.devices.block;

/** A disk image cannot be used; the message names the file and the reason. */
public final class BlockImageException extends RuntimeException {
    public BlockImageException(String message) {
        super(message, null, false, false);
    }
}
