package dev.armature.linuxuser;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.IdRegisters;
import dev.armature.arch.aarch64.SysRegs;

/**
 * What arm64 Linux does for an EL0 {@code MRS} of an ID register (advertised by HWCAP_CPUID): the instruction
 * traps, and the kernel writes a sanitised value to Xt and skips it. glibc's startup reads MIDR_EL1 this way.
 * Values match what qemu-aarch64 shows for the model (checked for cortex-a57).
 */
final class IdRegisterEmulation {
    private IdRegisterEmulation() {
    }

    /** True if {@code word} is an MRS the kernel emulates; then Xt is written and the PC moved past it. */
    static boolean emulate(Cpu cpu, int word) {
        if ((word & 0xfff0_0000) != 0xd530_0000) {
            return false; // not MRS with op0 = 3
        }
        int key = (word >>> 5) & 0xffff;
        int op1 = (key >>> 11) & 7;
        int crn = (key >>> 7) & 0xf;
        int crm = (key >>> 3) & 0xf;
        if (op1 != 0 || crn != 0 || crm == 1) {
            return false; // outside the ID register space Linux emulates
        }
        long value = value(cpu.sys.id, key);
        int rt = word & 31;
        cpu.r[rt == 31 ? Cpu.SINK : rt] = value;
        cpu.pc += 4;
        return true;
    }

    /** The EL0 view: the CPU's own ID values where Linux passes them through, its fixed user view elsewhere. */
    private static long value(IdRegisters id, int key) {
        if (key == SysRegs.MIDR_EL1) {
            return id.midr;
        } else if (key == SysRegs.MPIDR_EL1) {
            return 0x8000_0000L; // Linux reports no topology to EL0
        } else if (key == SysRegs.key(3, 0, 0, 4, 0)) { // ID_AA64PFR0_EL1: EL0/EL1 AArch64, FP, AdvSIMD
            return 0x11;
        } else if (key == SysRegs.key(3, 0, 0, 6, 0)) { // ID_AA64ISAR0_EL1: every field is visible
            return id.idAa64isar0;
        } else if (key == SysRegs.key(3, 0, 0, 6, 1)) { // ID_AA64ISAR1_EL1
            return id.idAa64isar1;
        } else if (key == SysRegs.key(3, 0, 0, 7, 0)) { // ID_AA64MMFR0_EL1: only the granule fields, as "none"
            return 0xff00_0000L;
        }
        return 0; // REVIDR_EL1 and every hidden or reserved ID register read as zero
    }
}
