package dev.armature.bench;

import dev.armature.memory.Region;
import dev.armature.vm.Reg;
import dev.armature.vm.Vcpu;
import dev.armature.vm.Vm;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Micro benchmark (not a test) of the embedding API's hooks: guest MIPS of a loop run through
 * {@link Vcpu#start} with no hook, with an end address (never reached), an (empty) block hook and an (empty)
 * code hook over it, under the translator
 * and the interpreter. MIPS are guest instructions per CPU second of the vCPU thread, after a warm-up.
 *
 * <p>Usage: {@code bench/run hooks [SECONDS]} (default 3: seconds of warm-up, then as many measured), which runs it
 * with the launcher's JVM flags.
 */
@Command(name = "bench/run hooks", description = "Guest MIPS of a loop run through the embedding API with no hook, "
        + "an end address, a block hook and a code hook, under the translator and the interpreter.")
public final class HookCost extends BenchCommand {
    private static final long CODE = 0x1_0000;
    private static final long DATA = 0x2_0000;
    /** Load, add, store over a table, then a call: 11 instructions per iteration in 3 blocks. */
    private static final int[] LOOP = {
            0x92401c24, // loop: and x4, x1, #0xff
            0xf86478a6, //       ldr x6, [x5, x4, lsl #3]
            0x8b0100c6, //       add x6, x6, x1
            0xf82478a6, //       str x6, [x5, x4, lsl #3]
            0x91000421, //       add x1, x1, #0x1
            0x94000002, //       bl f
            0x17fffffa, //       b loop
            0x8b010000, // f:    add x0, x0, x1
            0xca000c42, //       eor x2, x2, x0, lsl #3
            0x91000421, //       add x1, x1, #0x1
            0xd65f03c0, //       ret
    };

    @Mixin
    final SecondsParameter time = new SecondsParameter();

    public static void main(String[] args) {
        main(new HookCost(), args);
    }

    @Override
    void check() {
        time.check(this);
    }

    @Override
    int run() {
        for (String accel : new String[] {"tcg", "interp"}) {
            for (String hook : new String[] {"none", "end", "block", "code"}) {
                System.out.printf(Locale.ROOT, "%-7s %-6s hook %9.1f MIPS%n", accel, hook,
                        mips(accel, hook, time.seconds));
            }
        }
        return 0;
    }

    private static double mips(String accel, String hook, double seconds) {
        try (Vm vm = Vm.builder().accel(accel).build()) {
            vm.mapRam(CODE, 0x1000, Region.PROT_READ | Region.PROT_EXEC);
            vm.mapRam(DATA, 0x1000, Region.PROT_READ | Region.PROT_WRITE);
            ByteBuffer code = ByteBuffer.allocate(4 * LOOP.length).order(ByteOrder.LITTLE_ENDIAN);
            for (int w : LOOP) {
                code.putInt(w);
            }
            vm.writePhysical(CODE, code.array());
            long[] calls = new long[1];
            switch (hook) {
                case "block" -> vm.addBlockHook(CODE, CODE + 0xfff, (v, a, n) -> calls[0]++);
                case "code" -> vm.addCodeHook(CODE, CODE + 0xfff, (v, a, w) -> calls[0]++);
                default -> { }
            }
            Vcpu cpu = vm.createVcpu(0);
            cpu.init(Set.of());
            cpu.setReg(Reg.x(5), DATA);
            cpu.setReg(Reg.PC, CODE);
            long stop = hook.equals("end") ? CODE + 0x800 : Vcpu.NO_END; // an end address never reached
            long chunk = 1_000_000;
            long end = System.nanoTime() + (long) (seconds * 1e9);
            while (System.nanoTime() < end) {
                cpu.start(cpu.getReg(Reg.PC), stop, Duration.ZERO, chunk);
            }
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long cpuStart = threads.getCurrentThreadCpuTime();
            long insns = 0;
            end = System.nanoTime() + (long) (seconds * 1e9);
            while (System.nanoTime() < end) {
                cpu.start(cpu.getReg(Reg.PC), stop, Duration.ZERO, chunk);
                insns += chunk;
            }
            return insns / ((threads.getCurrentThreadCpuTime() - cpuStart) / 1e3);
        }
    }
}
