package dev.armature.vm;

/**
 * A vCPU register id in KVM's KVM_GET/SET_ONE_REG scheme: {@code KVM_REG_ARM64 | KVM_REG_SIZE_U64 |
 * KVM_REG_ARM_CORE | offset}, where the offset counts 32-bit words into arm64's {@code struct kvm_regs}
 * (X0..X30, SP (= SP_EL0), PC, PSTATE, SP_EL1, ELR_EL1, SPSR_EL1, ...). Ids built from raw numbers are accepted
 * so that callers can pass what a KVM tool would; {@link Vcpu#getReg} refuses ids it does not implement.
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

    @Override
    public String toString() {
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
