package dev.armature.migration;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A device (or other part of a VM) whose state goes into a snapshot section.
 *
 * <p>Loading is split in two so that a bad stream never leaves a VM half restored: {@link #loadState} only reads
 * and checks, and the action it returns applies the state and cannot fail. The caller runs the actions only after
 * every section of the stream has been read and checked, with the vCPUs paused.
 */
public interface Snapshottable {
    /** Writes this object's state. Called with the vCPUs paused at an instruction boundary. */
    void saveState(DataOutput out) throws IOException;

    /**
     * Reads a {@link #saveState} record without changing this object; throws (naming what is wrong) if the
     * record is truncated or holds values this object cannot take. The returned action applies the state.
     */
    Runnable loadState(DataInput in) throws IOException;
}
