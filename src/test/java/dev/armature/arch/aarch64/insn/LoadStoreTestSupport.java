package dev.armature.arch.aarch64.insn;

import dev.armature.accel.interp.Interpreter;
import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.CpuMemory;
import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.DecodeCache;
import dev.armature.arch.aarch64.SyncException;
import dev.armature.memory.MmioHandler;
import dev.armature.memory.PhysicalMemory;

/**
 * A vCPU at EL1 (MMU off, FP enabled in CPACR_EL1) over 1 MiB of RAM at 0x4000_0000, for load/store tests.
 * Code goes at {@link #CODE}; data around {@link #DATA}. Synchronous exceptions are recorded in
 * {@link #exception} instead of entering the vector.
 */
final class LoadStoreTestSupport {
    static final long RAM = 0x4000_0000L;
    static final long CODE = RAM + 0x1000;
    static final long DATA = RAM + 0x8000;
    static final long MMIO = 0x0900_0000L;

    final PhysicalMemory phys;
    final Cpu cpu;
    final Interpreter interpreter;
    SyncException exception;

    LoadStoreTestSupport(CpuModel model) {
        this(model, newMemory(), 0);
    }

    /** A vCPU on shared memory (multi-vCPU tests). */
    LoadStoreTestSupport(CpuModel model, PhysicalMemory phys, int index) {
        this.phys = phys;
        cpu = new Cpu(index, model, new CpuMemory(phys));
        cpu.sys.cpacrEl1 = 3L << 20;
        interpreter = new Interpreter(new DecodeCache(model));
        cpu.exceptionHook = (c, e) -> {
            exception = e;
            return true;
        };
    }

    static PhysicalMemory newMemory() {
        PhysicalMemory phys = new PhysicalMemory();
        phys.addRam("ram", RAM, 1 << 20);
        phys.addMmio("dev", MMIO, 0x1000, new MmioHandler() {
            @Override
            public long read(long offset, int size) {
                return 0;
            }

            @Override
            public void write(long offset, int size, long value) {
            }
        });
        return phys;
    }

    /** Places {@code words} at {@link #CODE} and executes them one by one; stops early at an exception. */
    LoadStoreTestSupport run(int... words) {
        for (int i = 0; i < words.length; i++) {
            phys.write(CODE + 4L * i, 4, words[i]);
        }
        cpu.pc = CODE;
        exception = null;
        for (int i = 0; i < words.length && exception == null; i++) {
            interpreter.step(cpu);
        }
        return this;
    }

    long x(int n) {
        return cpu.r[n];
    }

    LoadStoreTestSupport x(int n, long value) {
        cpu.r[n] = value;
        return this;
    }

    long sp() {
        return cpu.r[Cpu.SP];
    }

    long mem(long pa, int size) {
        return phys.read(pa, size);
    }

    LoadStoreTestSupport mem(long pa, int size, long value) {
        phys.write(pa, size, value);
        return this;
    }

    /** Fills {@code length} bytes at {@code pa} with 0x01, 0x02, ... 0xff, 0x00, ... */
    LoadStoreTestSupport pattern(long pa, int length) {
        for (int i = 0; i < length; i++) {
            phys.write(pa + i, 1, i + 1);
        }
        return this;
    }
}
