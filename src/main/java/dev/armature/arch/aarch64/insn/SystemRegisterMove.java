package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.Insn;

/**
 * MRS and MSR (register): system register access by encoding key, through {@link dev.armature.arch.aarch64.SysRegs},
 * which decides what exists and what the current EL may access.
 */
public abstract class SystemRegisterMove extends Insn {
    protected final int key;
    protected final int rt;

    private SystemRegisterMove(int key, int rt) {
        this.key = key;
        this.rt = rt;
    }

    /** @param key op0&lt;&lt;14 | op1&lt;&lt;11 | CRn&lt;&lt;7 | CRm&lt;&lt;3 | op2 */
    public static Insn read(int key, int rt) {
        return new Mrs(key, rt);
    }

    public static Insn write(int key, int rt) {
        return new Msr(key, rt);
    }

    protected final String registerName() {
        return String.format("s%d_%d_c%d_c%d_%d", key >>> 14, (key >>> 11) & 7, (key >>> 7) & 15, (key >>> 3) & 15,
                key & 7);
    }

    static final class Mrs extends SystemRegisterMove {
        Mrs(int key, int rt) {
            super(key, rt);
        }

        @Override
        public void exec(Cpu cpu) {
            cpu.r[rt] = cpu.sys.read(key);
        }

        @Override
        public String toString() {
            return "mrs " + Reg.x(rt) + ", " + registerName();
        }
    }

    static final class Msr extends SystemRegisterMove {
        Msr(int key, int rt) {
            super(key, rt);
        }

        @Override
        public void exec(Cpu cpu) {
            cpu.sys.write(key, cpu.r[rt]);
            cpu.updateInterrupts(); // a write to DAIF (or anything else) may make a pending interrupt deliverable
        }

        @Override
        public boolean endsBlock() {
            return true; // may change translation, exception level state or interrupt masking
        }

        @Override
        public String toString() {
            return "msr " + registerName() + ", " + Reg.x(rt);
        }
    }
}
