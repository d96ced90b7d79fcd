package dev.armature.vm;

/**
 * The calling process's open files, as KVM's {@code fdget} sees them: KVM-VFIO resolves the device file
 * descriptor of a forwarding request in the caller's table.
 */
@FunctionalInterface
public interface FileTable {
    /** The open file behind {@code fd}, or null if {@code fd} is not open. */
    Object file(int fd);
}
