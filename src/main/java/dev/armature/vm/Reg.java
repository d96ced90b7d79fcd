package dev.armature.vm;

import dev.armature.arch.aarch64.SysReg;
import dev.armature.arch.aarch64.SysRegs;

/**
 * A vCPU register id in KVM's KVM_GET/SET_ONE_REG scheme. Core registers are {@code KVM_REG_ARM64 | size |
 * KVM_REG_ARM_CORE | offset}, where the offset counts 32-bit words into arm64's {@code struct kvm_regs}
 * (X0..X30, SP (= SP_EL0), PC, PSTATE, SP_EL1, ELR_EL1, SPSR_EL1, then V0..V31 (128-bit), FPSR, FPCR (32-bit));
 * system registers are {@code KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM64_SYSREG | op0:op1:CRn:CRm:op2}
 * ({@link #sysreg}). Ids built from raw numbers are accepted so that callers can pass what a KVM tool would;
 * {@link Vcpu#getReg} refuses ids it does not implement.
 */
public record Reg(long id) {
    /** KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE. */
    public static final long CORE_BASE = 0x6000_0000_0000_0000L | 0x0030_0000_0000_0000L | 0x0010_0000L;

    /** user_pt_regs.sp: the EL0 stack pointer, as in KVM. */
    public static final Reg SP = core(31 * 2);
    public static final Reg PC = core(32 * 2);
    /** PSTATE in SPSR format. */
    public static final Reg PSTATE = core(33 * 2);
    public static final Reg SP_EL1 = core(34 * 2);
    public static final Reg ELR_EL1 = core(35 * 2);
    public static final Reg SPSR_EL1 = core(36 * 2);
    /** KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM64_SYSREG. */
    public static final long SYSREG_BASE = 0x6030_0000_0013_0000L;
    private static final long SIZE_MASK = 0x00f0_0000_0000_0000L;
    private static final long SIZE_U32 = 0x0020_0000_0000_0000L;
    private static final long SIZE_U64 = 0x0030_0000_0000_0000L;
    private static final long SIZE_U128 = 0x0040_0000_0000_0000L;
    /** Word offset of fp_regs.vregs[0] in struct kvm_regs (16-byte aligned after spsr[5]). */
    private static final int VREGS_OFFSET = 0x54;
    /** FPSR (32-bit), from fp_regs. */
    public static final Reg FPSR = new Reg(CORE_BASE & ~SIZE_MASK | SIZE_U32 | (VREGS_OFFSET + 32 * 4));
    /** FPCR (32-bit), from fp_regs. */
    public static final Reg FPCR = new Reg(CORE_BASE & ~SIZE_MASK | SIZE_U32 | (VREGS_OFFSET + 32 * 4 + 1));

    /** V{@code n}, 0..31: a 128-bit register, read and written with {@link Vcpu#getVector}/{@link Vcpu#setVector}. */
    public static Reg v(int n) {
        if (n < 0 || n > 31) {
            throw new IllegalArgumentException("V" + n + " does not exist (V0..V31)");
        }
        return new Reg(CORE_BASE & ~SIZE_MASK | SIZE_U128 | (VREGS_OFFSET + 4 * n));
    }

    /** The system register with this encoding (MRS/MSR operands). */
    public static Reg sysreg(int op0, int op1, int crn, int crm, int op2) {
        if (op0 < 0 || op0 > 3 || op1 < 0 || op1 > 7 || crn < 0 || crn > 15 || crm < 0 || crm > 15 || op2 < 0
                || op2 > 7) {
            throw new IllegalArgumentException(String.format("S%d_%d_C%d_C%d_%d is not a system register encoding",
                    op0, op1, crn, crm, op2));
        }
        return sysreg(SysRegs.key(op0, op1, crn, crm, op2));
    }

    /** The system register with MRS/MSR key {@code op0<<14 | op1<<11 | CRn<<7 | CRm<<3 | op2}. */
    static Reg sysreg(int key) {
        return new Reg(SYSREG_BASE | (key & 0xffff));
    }

    /**
     * The system register the Arm ARM names {@code name} (case-insensitive, e.g. "TTBR0_EL1"), among those
     * Armature implements. ENOENT for others.
     */
    public static Reg sysreg(String name) {
        Vm.checkPointer(name, "register name");
        for (SysReg r : SysRegs.registers()) {
            if (r.name().equalsIgnoreCase(name)) {
                return sysreg(r.key());
            }
        }
        throw new KvmException(Errno.ENOENT, "no system register named " + name);
    }

    /** True for system register ids. */
    public boolean isSysReg() {
        return (id & ~0xffffL) == SYSREG_BASE;
    }

    /** The MRS/MSR key of a system register id. */
    int sysRegKey() {
        return (int) (id & 0xffff);
    }

    /** True for the 32-bit core registers FPSR and FPCR. */
    boolean isFpStatus() {
        return equals(FPSR) || equals(FPCR);
    }

    /** V0..V31's number, or -1 for other ids. */
    int vectorNumber() {
        long off = (id & 0xffff) - VREGS_OFFSET;
        if ((id & ~0xffffL) != (CORE_BASE & ~SIZE_MASK | SIZE_U128) || off < 0 || off % 4 != 0 || off / 4 > 31) {
            return -1;
        }
        return (int) off / 4;
    }

    /** X{@code n}, 0..30. */
    public static Reg x(int n) {
        if (n < 0 || n > 30) {
            throw new IllegalArgumentException("X" + n + " does not exist (X0..X30)");
        }
        return core(2 * n);
    }

    private static Reg core(int wordOffset) {
        return new Reg(CORE_BASE | wordOffset);
    }

    /** True for ids in the KVM_REG_ARM_CORE space (whatever the offset). */
    boolean isCore() {
        return (id & ~0xffffL) == CORE_BASE;
    }

    /** The core-register word offset. */
    int coreOffset() {
        return (int) (id & 0xffff);
    }

    /**
     * The register's name: X0..X30, SP, PC, PSTATE, SP_EL1, ELR_EL1, SPSR_EL1, V0..V31, FPSR, FPCR, a system
     * register's Arm ARM name (or S<op0>_<op1>_C<n>_C<m>_<op2> if Armature does not implement it), else the id
     * in hex.
     */
    public String name() {
        return toString();
    }

    @Override
    public String toString() {
        if (isSysReg()) {
            int key = sysRegKey();
            for (SysReg r : SysRegs.registers()) {
                if (r.key() == key) {
                    return r.name();
                }
            }
            return String.format("S%d_%d_C%d_C%d_%d", key >>> 14, key >>> 11 & 7, key >>> 7 & 15, key >>> 3 & 15,
                    key & 7);
        }
        if (equals(FPSR)) {
            return "FPSR";
        }
        if (equals(FPCR)) {
            return "FPCR";
        }
        if (vectorNumber() >= 0) {
            return "V" + vectorNumber();
        }
        if (isCore()) {
            int off = coreOffset();
            if (off % 2 == 0 && off / 2 <= 36) {
                int n = off / 2;
                return switch (n) {
                    case 31 -> "SP";
                    case 32 -> "PC";
                    case 33 -> "PSTATE";
                    case 34 -> "SP_EL1";
                    case 35 -> "ELR_EL1";
                    case 36 -> "SPSR_EL1";
                    default -> "X" + n;
                };
            }
        }
        return String.format("reg 0x%x", id);
    }
}
