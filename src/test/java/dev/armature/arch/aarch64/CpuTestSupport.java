package dev.armature.arch.aarch64;

import dev.armature.accel.interp.Interpreter;
import dev.armature.memory.PhysicalMemory;

/**
 * A vCPU at EL1 (MMU off) over 1 MiB of RAM at {@link #RAM}, stepped by the interpreter: write instruction
 * words at {@link #CODE}, set registers, run, inspect. Synchronous exceptions are recorded in
 * {@link #exception} (execution continues at their preferred return address) unless
 * {@link #takeExceptions()} asks for the architectural vector instead.
 */
public final class CpuTestSupport {
    public static final long RAM = 0x4000_0000L;
    public static final long CODE = RAM + 0x1000;

    public final PhysicalMemory phys = new PhysicalMemory();
    public final Cpu cpu;
    public final Interpreter interpreter;
    /** The last synchronous exception raised, or null. */
    public SyncException exception;

    public CpuTestSupport() {
        this(CpuModel.CORTEX_A57);
    }

    public CpuTestSupport(CpuModel model) {
        phys.addRam("ram", RAM, 1 << 20);
        cpu = new Cpu(0, model, new CpuMemory(phys));
        interpreter = new Interpreter(new DecodeCache(model));
        cpu.exceptionHook = (c, e) -> {
            exception = e;
            return true;
        };
        cpu.pc = CODE;
    }

    /** Removes the recording hook: exceptions enter the EL1 vector as on hardware. */
    public CpuTestSupport takeExceptions() {
        cpu.exceptionHook = null;
        return this;
    }

    /** Writes {@code words} at {@link #CODE} and points the PC at the first. */
    public CpuTestSupport load(int... words) {
        for (int i = 0; i < words.length; i++) {
            phys.write(CODE + 4L * i, 4, words[i]);
        }
        cpu.pc = CODE;
        exception = null;
        return this;
    }

    /** Executes {@code n} instructions from the current PC. */
    public CpuTestSupport step(int n) {
        for (int i = 0; i < n; i++) {
            interpreter.step(cpu);
        }
        return this;
    }

    /** Loads {@code words} and executes as many instructions as there are words (straight-line code). */
    public CpuTestSupport run(int... words) {
        return load(words).step(words.length);
    }

    public long x(int n) {
        return cpu.r[n];
    }

    public CpuTestSupport x(int n, long value) {
        cpu.r[n] = value;
        return this;
    }

    public long sp() {
        return cpu.r[Cpu.SP];
    }

    public CpuTestSupport sp(long value) {
        cpu.r[Cpu.SP] = value;
        return this;
    }

    /** NZCV as a 4-bit number (N = 8, Z = 4, C = 2, V = 1). */
    public int nzcv() {
        return cpu.nzcv() >>> 28;
    }

    public CpuTestSupport nzcv(int flags) {
        cpu.setNzcv(flags << 28);
        return this;
    }
}
