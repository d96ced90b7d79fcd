package dev.armature.examples;

import dev.armature.memory.Region;
import dev.armature.vm.ExitReason;
import dev.armature.vm.Reg;
import dev.armature.vm.Vcpu;
import dev.armature.vm.Vm;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Example: four vCPUs on their own threads share one counter in RAM and increment it, each iteration once with
 * LDADD (an LSE atomic) and once with an LDXR/STXR retry loop; no increment is lost.
 */
public final class SharedCounter {
    static final long CODE = 0x1_0000;
    static final long COUNTER = 0x2_0000;
    static final long RETURN = 0xdead_0000L;
    static final int VCPUS = 4;

    private SharedCounter() {
    }

    /** Runs {@code iterations} iterations on each vCPU; returns the final counter. */
    public static long run(String accel, long iterations) throws InterruptedException, ExecutionException {
        try (Vm vm = Vm.builder().accel(accel).build()) {
            vm.mapRam(CODE, 0x1000, Region.PROT_READ | Region.PROT_EXEC);
            vm.mapRam(COUNTER, 0x1000, Region.PROT_READ | Region.PROT_WRITE);
            vm.writePhysical(CODE, Guest.code(
                    0xd2800022, // mov   x2, #1
                    0xf8220024, // 1: ldadd x2, x4, [x1]
                    0xc85f7c24, // 2: ldxr x4, [x1]
                    0x91000484, // add   x4, x4, #1
                    0xc8057c24, // stxr  w5, x4, [x1]
                    0x35ffffa5, // cbnz  w5, 2b
                    0xf1000463, // subs  x3, x3, #1
                    0x54ffff41, // b.ne  1b
                    0xd65f03c0)); // ret
            List<Vcpu> cpus = new ArrayList<>();
            for (int i = 0; i < VCPUS; i++) {
                Vcpu cpu = vm.createVcpu(i);
                cpu.init(Set.of());
                cpu.setReg(Reg.x(1), COUNTER);
                cpu.setReg(Reg.x(3), iterations);
                cpu.setReg(Reg.x(30), RETURN);
                cpus.add(cpu);
            }
            ExecutorService threads = Executors.newFixedThreadPool(VCPUS);
            try {
                List<Future<ExitReason>> runs = new ArrayList<>();
                for (Vcpu cpu : cpus) {
                    runs.add(threads.submit(() -> cpu.start(CODE, RETURN)));
                }
                for (Future<ExitReason> r : runs) {
                    if (r.get() != ExitReason.END_ADDRESS) {
                        throw new IllegalStateException("a vCPU stopped for " + r.get());
                    }
                }
            } finally {
                threads.shutdown();
            }
            return Guest.u64(vm.readPhysical(COUNTER, 8), 0);
        }
    }

    public static void main(String[] args) throws Exception {
        System.out.println("counter = " + run(args.length > 0 ? args[0] : "tcg", 10_000));
    }
}
