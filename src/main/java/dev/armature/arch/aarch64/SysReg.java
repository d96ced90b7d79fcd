package dev.armature.arch.aarch64;

/**
 * Describes one system register: its name (as the Arm ARM spells it), its MRS/MSR key
 * ({@code op0<<14 | op1<<11 | CRn<<7 | CRm<<3 | op2}), who may access it and how to read and write it. A null
 * reader makes MRS UNDEFINED (write-only registers such as OSLAR_EL1), a null writer makes MSR UNDEFINED.
 *
 * @param needsEl2 the register exists only when the CPU model has EL2
 */
public record SysReg(String name, int key, boolean needsEl2, Access access, Reader reader, Writer writer) {
    /** Checks an access before it happens: throws the UNDEFINED or trap exception the access takes. */
    @FunctionalInterface
    public interface Access {
        void check(Cpu cpu, int key, boolean read);
    }

    @FunctionalInterface
    public interface Reader {
        long read(Cpu cpu);
    }

    @FunctionalInterface
    public interface Writer {
        void write(Cpu cpu, long value);
    }

    public int op0() {
        return key >>> 14 & 3;
    }

    public int op1() {
        return key >>> 11 & 7;
    }

    public int crn() {
        return key >>> 7 & 0xf;
    }

    public int crm() {
        return key >>> 3 & 0xf;
    }

    public int op2() {
        return key & 7;
    }

    @Override
    public String toString() {
        return String.format("%s (S%d_%d_C%d_C%d_%d)", name, op0(), op1(), crn(), crm(), op2());
    }
}
