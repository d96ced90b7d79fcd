package dev.armature.examples;

import dev.armature.memory.Region;
import dev.armature.vm.MemoryHook;
import dev.armature.vm.Reg;
import dev.armature.vm.Vcpu;
import dev.armature.vm.Vm;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Example: trace every memory write of a loop with a memory hook. */
public final class TraceWrites {
    static final long CODE = 0x1_0000;
    static final long DATA = 0x2_0000;
    static final long RETURN = 0xdead_0000L;

    private TraceWrites() {
    }

    /** Runs the loop and returns "address=value" for each store, in order. */
    public static List<String> trace(String accel) {
        try (Vm vm = Vm.builder().accel(accel).build()) {
            vm.mapRam(CODE, 0x1000, Region.PROT_READ | Region.PROT_EXEC);
            vm.mapRam(DATA, 0x1000, Region.PROT_READ | Region.PROT_WRITE);
            vm.writePhysical(CODE, Guest.code(
                    0xd2800002, // mov  x2, #0
                    0xf8227822, // 1: str x2, [x1, x2, lsl #3]
                    0x91000442, // add  x2, x2, #1
                    0xf100205f, // cmp  x2, #8
                    0x54ffffa1, // b.ne 1b
                    0xd65f03c0)); // ret
            List<String> writes = new ArrayList<>();
            vm.addMemoryHook(Set.of(MemoryHook.Access.WRITE), 0, -1,
                    (vcpu, access, address, size, value) ->
                            writes.add(String.format("0x%x=%d", address, value)));
            Vcpu cpu = vm.createVcpu(0);
            cpu.init(Set.of());
            cpu.setReg(Reg.x(1), DATA);
            cpu.setReg(Reg.x(30), RETURN);
            cpu.start(CODE, RETURN);
            return writes;
        }
    }

    public static void main(String[] args) {
        trace(args.length > 0 ? args[0] : "tcg").forEach(System.out::println);
    }
}
