package dev.armature.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Set;
import org.junit.jupiter.api.function.Executable;

/** Shared helpers for the VM API tests: a guest that loops, vCPU creation as the KVM selftests' helpers do it. */
final class VmTestSupport {
    static final long RAM_BASE = 0x4000_0000L;
    static final long RAM_SIZE = 0x4000;
    /** MOVZ X0, #42, then ADD X1, X1, #1 to the end of RAM (no branches: the guest runs straight on). */
    static final int MOVZ_X0_42 = 0xD2800540;
    static final int ADD_X1_1 = 0x91000421;

    private VmTestSupport() {
    }

    /** Guest RAM with the guest code at {@link #RAM_BASE}, as vm_create() sets up the selftest's guest. */
    static void addGuestMemory(Vm vm) {
        vm.setUserMemoryRegion(0, RAM_BASE, RAM_SIZE);
        ByteBuffer code = ByteBuffer.allocate((int) RAM_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        code.putInt(MOVZ_X0_42);
        while (code.hasRemaining()) {
            code.putInt(ADD_X1_1);
        }
        vm.memory().writeBytes(RAM_BASE, code.array());
    }

    /** vm_vcpu_add(): creates and initialises a vCPU that starts at the guest code. */
    static Vcpu addVcpu(Vm vm, int id) {
        Vcpu vcpu = vm.createVcpu(id);
        vcpu.init(Set.of(VcpuFeature.PSCI_0_2));
        vcpu.setReg(Reg.PC, RAM_BASE);
        return vcpu;
    }

    static KvmException assertErrno(Errno expected, Executable call, String what) {
        KvmException e = assertThrows(KvmException.class, call, what);
        assertEquals(expected, e.errno(), what + ": " + e.getMessage());
        return e;
    }
}
