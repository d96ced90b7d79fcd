package dev.armature.bench;

import dev.armature.accel.CpuExecutor;
import dev.armature.accel.interp.Interpreter;
import dev.armature.accel.tcg.TcgConfig;
import dev.armature.accel.tcg.TcgEngine;
import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.CpuMemory;
import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.DecodeCache;
import dev.armature.memory.PhysicalMemory;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Micro benchmark (not a test): guest MIPS of tight integer loops under the interpreter and the translator, and
 * their ratio. Each run warms up first so HotSpot has compiled both executors. MIPS are guest instructions per
 * second of the vCPU thread's CPU time, which stays meaningful on a loaded host (wall-clock MIPS are printed too).
 *
 * <p>Run it with the launcher's JVM flags ({@code -XX:+UnlockExperimentalVMOptions
 * -XX:+TrustFinalNonStaticFields}); without them translated code reloads every instruction's operand fields.
 *
 * <p>Usage: {@code bench/run micro [SECONDS]} (default 3: seconds of warm-up, then as many measured).
 */
@Command(name = "bench/run micro", description = "Guest MIPS of in-process loops under the interpreter and the "
        + "translator, and their ratio.")
public final class TcgVsInterp extends BenchCommand {
    private static final long RAM = 0x4000_0000L;
    private static final long CODE = RAM + 0x1000;
    private static final long DATA = RAM + 0x10000;

    /** ALU only: five instructions per iteration, one block. */
    private static final int[] ALU_LOOP = {
            0x8b010000, // loop: add x0, x0, x1
            0xca000c42, //       eor x2, x2, x0, lsl #3
            0x91000421, //       add x1, x1, #0x1
            0xf1000463, //       subs x3, x3, #0x1
            0x54ffff81, //       b.ne loop
            0x17fffffb, //       b loop
    };

    /** Load, add, store over a 2 KiB table: six instructions per iteration, one block. */
    private static final int[] MEMORY_LOOP = {
            0x92401c24, // loop: and x4, x1, #0xff
            0xf86478a6, //       ldr x6, [x5, x4, lsl #3]
            0x8b0100c6, //       add x6, x6, x1
            0xf82478a6, //       str x6, [x5, x4, lsl #3]
            0x91000421, //       add x1, x1, #0x1
            0x17fffffb, //       b loop
    };

    /** A call and return per iteration: seven instructions in three blocks, RET through the jump cache. */
    private static final int[] CALL_LOOP = {
            0x94000004, // loop: bl f
            0xf1000463, //       subs x3, x3, #0x1
            0x54ffffc1, //       b.ne loop
            0x17fffffd, //       b loop
            0x8b010000, // f:    add x0, x0, x1
            0xca000c42, //       eor x2, x2, x0, lsl #3
            0x91000421, //       add x1, x1, #0x1
            0xd65f03c0, //       ret
    };

    @Mixin
    final SecondsParameter time = new SecondsParameter();

    public static void main(String[] args) {
        main(new TcgVsInterp(), args);
    }

    @Override
    void check() {
        time.check(this);
    }

    @Override
    int run() {
        measure("alu loop", ALU_LOOP, time.seconds);
        measure("load/store loop", MEMORY_LOOP, time.seconds);
        measure("call/return loop", CALL_LOOP, time.seconds);
        return 0;
    }

    private static void measure(String name, int[] program, double seconds) {
        double[] interp;
        double[] tcg;
        try (Machine m = new Machine(program)) {
            interp = mips(m.cpu, new Interpreter(m.decodeCache), seconds);
        }
        String report;
        try (Machine m = new Machine(program)) {
            TcgEngine engine = new TcgEngine(m.phys, m.decodeCache, TcgConfig.defaults());
            tcg = mips(m.cpu, engine.newExecutor(), seconds);
            report = engine.report();
        }
        System.out.printf(Locale.ROOT, "%-16s interpreter %8.1f MIPS   translator %8.1f MIPS   ratio %5.1fx"
                + "   (wall clock: %.1f / %.1f MIPS)%n", name, interp[0], tcg[0], tcg[0] / interp[0], interp[1], tcg[1]);
        if (Boolean.getBoolean("bench.report")) {
            System.out.println(report);
        }
    }

    /** Warms up for {@code seconds}, then measures for {@code seconds}: {CPU-time MIPS, wall-clock MIPS}. */
    private static double[] mips(Cpu cpu, CpuExecutor executor, double seconds) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long chunk = 1_000_000;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            executor.run(cpu, chunk);
        }
        long start = System.nanoTime();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long before = executor.instructions();
        end = start + (long) (seconds * 1e9);
        long now;
        do {
            executor.run(cpu, chunk);
            now = System.nanoTime();
        } while (now < end);
        long insns = executor.instructions() - before;
        long cpuTime = threads.getCurrentThreadCpuTime() - cpuStart;
        return new double[] {insns / (cpuTime / 1e3), insns / ((now - start) / 1e3)};
    }

    private static final class Machine implements AutoCloseable {
        final PhysicalMemory phys = new PhysicalMemory();
        final DecodeCache decodeCache = new DecodeCache(CpuModel.MAX);
        final Cpu cpu;

        Machine(int[] program) {
            phys.addRam("ram", RAM, 1 << 20);
            for (int i = 0; i < program.length; i++) {
                phys.write(CODE + 4L * i, 4, program[i]);
            }
            cpu = new Cpu(0, CpuModel.MAX, new CpuMemory(phys));
            cpu.pc = CODE;
            cpu.r[5] = DATA;
        }

        @Override
        public void close() {
            phys.close();
        }
    }
}
