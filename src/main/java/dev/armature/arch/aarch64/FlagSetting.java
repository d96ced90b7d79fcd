package dev.armature.arch.aarch64;

/**
 * A {@link DataProcessingInsn} that sets PSTATE.NZCV without reading it: ADDS, SUBS (immediate, shifted and
 * extended register), ANDS, BICS (immediate and shifted register), and so CMP, CMN, TST. Its result and its flags
 * are functions of its operands' values, so translated code can keep the flags in JVM locals as it keeps the
 * registers, storing them to {@link Cpu} only where something outside the generated method may look; a loop's
 * flags then cost nothing but the tests that read them. {@code compute} is {@link Alu#computeWithFlags}: the
 * result of {@link #value} with the flags these functions give, so each is written once.
 */
public interface FlagSetting {
    /** The instruction's result (written to Rd, or dropped for CMP, CMN, TST). */
    long value(long n, long m, long a);

    /** N and Z in {@link Cpu#nf}'s and {@link Cpu#zf}'s form: the result, a 32-bit one sign-extended. */
    long nz(long n, long m, long a);

    /** C as 0 or 1. */
    int carry(long n, long m, long a);

    /** V in the sign bit ({@link Cpu#vf}'s form). */
    long overflow(long n, long m, long a);
}
