package dev.armature.accel.interp;

import dev.armature.accel.Accelerator;
import dev.armature.accel.CpuExecutor;
import dev.armature.arch.aarch64.DecodeCache;

/** {@code -accel interp}: every vCPU interprets, sharing the decode cache. */
public record InterpreterAccelerator(DecodeCache decodeCache) implements Accelerator {
    @Override
    public CpuExecutor newExecutor() {
        return new Interpreter(decodeCache);
    }

    @Override
    public String report() {
        return "";
    }
}
