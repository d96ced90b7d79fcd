package dev.armature.accel.tcg;

import dev.armature.accel.interp.Interpreter;
import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.CpuMemory;
import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.DecodeCache;
import dev.armature.memory.PhysicalMemory;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** One vCPU at EL1 (MMU off) over 1 MiB of RAM at 0x4000_0000 with a program at {@link #CODE}. */
final class TcgTestMachine {
    static final long RAM = 0x4000_0000L;
    static final long CODE = RAM + 0x1000;
    static final long VECTORS = RAM + 0x8000;

    final PhysicalMemory phys = new PhysicalMemory();
    final DecodeCache decodeCache = new DecodeCache(CpuModel.MAX);
    final Cpu cpu;

    TcgTestMachine(int... code) {
        phys.addRam("ram", RAM, 1 << 20);
        load(CODE, code);
        cpu = new Cpu(0, CpuModel.MAX, new CpuMemory(phys));
        cpu.pc = CODE;
        cpu.r[Cpu.SP] = RAM + 0xf_0000;
        cpu.sys.vbarEl1 = VECTORS;
    }

    TcgTestMachine load(long pa, int... words) {
        for (int i = 0; i < words.length; i++) {
            phys.write(pa + 4L * i, 4, words[i]);
        }
        return this;
    }

    TcgEngine engine(TcgConfig config) {
        return new TcgEngine(phys, decodeCache, config);
    }

    /**
     * Runs {@code ex} with no budget while another thread requests {@link Cpu#EXIT_STOP} after 300 ms; checks the run
     * ended on that request and returns how long it took, in milliseconds.
     */
    long runUntilStoppedByAnotherThread(TcgExecutor ex) throws InterruptedException {
        Thread requester = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            cpu.requestExit(Cpu.EXIT_STOP);
        });
        long t0 = System.nanoTime();
        boolean stopped = ex.run(cpu, Long.MAX_VALUE);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        requester.join();
        assertTrue(stopped);
        return ms;
    }

    /** Translates synchronously, so tests see TBs at deterministic points. */
    static TcgConfig hot(int n) {
        return TcgConfig.defaults().withHot(n).withBackground(false);
    }

    /**
     * Runs {@code code} in lockstep (interpreter against translator with {@code config}) until the translator
     * side reaches {@code stopPc}; fails on the first divergence.
     */
    static Lockstep lockstep(int[] code, Consumer<TcgTestMachine> setup, long stopPc, TcgConfig config,
            long maxInstructions) {
        TcgTestMachine ref = new TcgTestMachine(code);
        TcgTestMachine sub = new TcgTestMachine(code);
        setup.accept(ref);
        setup.accept(sub);
        TcgEngine engine = sub.engine(config);
        LockstepTester tester = new LockstepTester(ref.cpu, new Interpreter(ref.decodeCache), sub.cpu,
                engine.newExecutor());
        Optional<LockstepTester.Divergence> d = tester.run(stopPc, maxInstructions);
        d.ifPresent(div -> fail(div.toString()));
        if (sub.cpu.pc != stopPc) {
            fail(String.format("did not reach 0x%x within %d instructions (pc 0x%x)", stopPc, maxInstructions,
                    sub.cpu.pc));
        }
        return new Lockstep(sub, engine, tester);
    }

    /** A finished lockstep run: the translator side's machine and engine. */
    record Lockstep(TcgTestMachine subject, TcgEngine engine, LockstepTester tester) {
    }
}
