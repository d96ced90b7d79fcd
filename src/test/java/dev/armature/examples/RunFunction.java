package dev.armature.examples;

import dev.armature.memory.Region;
import dev.armature.vm.ExitReason;
import dev.armature.vm.Reg;
import dev.armature.vm.Vcpu;
import dev.armature.vm.Vm;

import java.util.Set;

/**
 * Example: run a function in a raw code buffer and read its result. The function sums 1..n; it returns with
 * RET to the address put in X30 (LR), which is the run's end address.
 */
public final class RunFunction {
    static final long CODE = 0x1_0000;
    static final long RETURN = 0xdead_0000L; // never executed: the run ends when the PC gets there

    private RunFunction() {
    }

    /** Runs sum(n) under the accelerator named like {@code -accel}; returns X0. */
    public static long sum(String accel, long n) {
        try (Vm vm = Vm.builder().accel(accel).build()) {
            vm.mapRam(CODE, 0x1000, Region.PROT_READ | Region.PROT_EXEC);
            vm.writePhysical(CODE, Guest.code(
                    0xd2800002, // mov  x2, #0
                    0x8b000042, // 1: add x2, x2, x0
                    0xf1000400, // subs x0, x0, #1
                    0x54ffffc1, // b.ne 1b
                    0xaa0203e0, // mov  x0, x2
                    0xd65f03c0)); // ret
            Vcpu cpu = vm.createVcpu(0);
            cpu.init(Set.of());
            cpu.setReg(Reg.x(0), n);
            cpu.setReg(Reg.x(30), RETURN);
            ExitReason why = cpu.start(CODE, RETURN);
            if (why != ExitReason.END_ADDRESS) {
                throw new IllegalStateException("stopped for " + why);
            }
            return cpu.getReg(Reg.x(0));
        }
    }

    public static void main(String[] args) {
        System.out.println("sum(1..100) = " + sum(args.length > 0 ? args[0] : "tcg", 100));
    }
}
