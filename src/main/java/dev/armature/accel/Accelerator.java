package dev.armature.accel;

import dev.armature.accel.interp.InterpreterAccelerator;
import dev.armature.accel.tcg.TcgConfig;
import dev.armature.accel.tcg.TcgEngine;
import dev.armature.arch.aarch64.DecodeCache;
import dev.armature.arch.aarch64.ExecutionProbe;
import dev.armature.memory.PhysicalMemory;

/**
 * How a machine executes guest code ({@code -accel}): state shared by all vCPUs of one machine, and an
 * executor per vCPU thread.
 */
public interface Accelerator {
    /** An executor for one vCPU thread. */
    CpuExecutor newExecutor();

    /** Drops every cached translation (after guest RAM was replaced, e.g. by a snapshot restore). */
    default void flush() {
    }

    /**
     * Makes execution call {@code probe} (null: nothing) once it is also installed in each vCPU's
     * {@link dev.armature.arch.aarch64.Cpu#probe}: the translator drops every translation, so new ones are made
     * with (or without) its calls. Safe while vCPUs run: one that is inside a dropped block sees the change from
     * its next block.
     */
    default void instrument(ExecutionProbe probe) {
    }

    /** Statistics for humans (the translator's {@code info jit}); empty if there are none. */
    String report();

    /**
     * Creates the accelerator an {@code -accel} value names: {@code tcg[,options]} (see {@link TcgConfig#parse})
     * or {@code interp}.
     *
     * @throws IllegalArgumentException naming what is wrong with {@code option}
     */
    static Accelerator create(String option, PhysicalMemory phys, DecodeCache decodeCache) {
        String kind = option.split(",", 2)[0];
        return switch (kind) {
            case "tcg" -> new TcgEngine(phys, decodeCache, TcgConfig.parse(option));
            case "interp" -> {
                if (!option.equals(kind)) {
                    throw new IllegalArgumentException("-accel interp takes no options: " + option);
                }
                yield new InterpreterAccelerator(decodeCache);
            }
            default -> throw new IllegalArgumentException(
                    "unknown accelerator '" + kind + "' (available: tcg, interp)");
        };
    }
}
