package dev.armature.loader;

/** A file that cannot be loaded as what it was given as; the message names the file and the problem. */
public final class ImageFormatException extends Exception {
    public ImageFormatException(String message) {
        super(message);
    }
}
