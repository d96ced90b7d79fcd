package dev.armature.examples;

import dev.armature.memory.Region;
import dev.armature.vm.Fault;
import dev.armature.vm.HookAction;
import dev.armature.vm.Reg;
import dev.armature.vm.Vcpu;
import dev.armature.vm.Vm;

import java.util.Set;

/**
 * Example: catch an access to unmapped memory, map a page there on demand (with a value in it) and retry the
 * faulting instruction.
 */
public final class MapOnDemand {
    static final long CODE = 0x1_0000;
    static final long LAZY = 0x7000_0000L;
    static final long RETURN = 0xdead_0000L;

    private MapOnDemand() {
    }

    /** Loads from an unmapped address that the fault hook maps holding 41; returns X0 (41 + 1). */
    public static long run(String accel) {
        try (Vm vm = Vm.builder().accel(accel).build()) {
            vm.mapRam(CODE, 0x1000, Region.PROT_READ | Region.PROT_EXEC);
            vm.writePhysical(CODE, Guest.code(
                    0xf9400020, // ldr x0, [x1]
                    0x91000400, // add x0, x0, #1
                    0xd65f03c0)); // ret
            vm.addFaultHook(0, -1, (vcpu, fault) -> {
                if (fault.kind() != Fault.Kind.UNMAPPED) {
                    return HookAction.DELIVER;
                }
                long page = fault.address() & ~0xfffL;
                vm.mapRam(page, 0x1000, Region.PROT_READ | Region.PROT_WRITE);
                vm.writePhysical(fault.address(), new byte[] {41, 0, 0, 0, 0, 0, 0, 0});
                return HookAction.RESUME; // re-executes the LDR
            });
            Vcpu cpu = vm.createVcpu(0);
            cpu.init(Set.of());
            cpu.setReg(Reg.x(1), LAZY + 0x10);
            cpu.setReg(Reg.x(30), RETURN);
            cpu.start(CODE, RETURN);
            return cpu.getReg(Reg.x(0));
        }
    }

    public static void main(String[] args) {
        System.out.println("x0 = " + run(args.length > 0 ? args[0] : "tcg"));
    }
}
