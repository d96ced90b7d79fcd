package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.DataProcessingInsn;
import dev.armature.arch.aarch64.Insn;

/** Data-processing (1 source): RBIT, REV16, REV32, REV, CLZ, CLS. */
public abstract class DataProcessing1Source extends DataProcessingInsn {
    /** Operations by opcode (REV32 only exists at 64 bits; REV is opcode 2 at 32 bits, 3 at 64). */
    public enum Op { RBIT, REV16, REV32, REV, CLZ, CLS }

    private static final long BYTE_PAIRS = 0x00ff_00ff_00ff_00ffL;

    private final Op op;
    private final boolean sf;

    private DataProcessing1Source(Op op, boolean sf, int rd, int rn) {
        super(rd, rn, Cpu.XZR, Cpu.XZR);
        this.op = op;
        this.sf = sf;
    }

    /** @param op REV32 requires sf */
    public static Insn create(Op op, boolean sf, int rd, int rn) {
        return switch (op) {
            case RBIT -> sf ? new Rbit64(rd, rn) : new Rbit32(rd, rn);
            case REV16 -> new Rev16(sf, rd, rn);
            case REV32 -> new Rev32(rd, rn);
            case REV -> sf ? new Rev64(rd, rn) : new Rev32Bit(rd, rn);
            case CLZ -> sf ? new Clz64(rd, rn) : new Clz32(rd, rn);
            case CLS -> sf ? new Cls64(rd, rn) : new Cls32(rd, rn);
        };
    }

    @Override
    public String toString() {
        return op.name().toLowerCase() + " " + Reg.name(rd, sf) + ", " + Reg.name(rn, sf);
    }

    static final class Rbit64 extends DataProcessing1Source {
        Rbit64(int rd, int rn) {
            super(Op.RBIT, true, rd, rn);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], 0, 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return Long.reverse(n);
        }
    }

    static final class Rbit32 extends DataProcessing1Source {
        Rbit32(int rd, int rn) {
            super(Op.RBIT, false, rd, rn);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], 0, 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return Integer.reverse((int) n) & 0xffff_ffffL;
        }
    }

    /** REV16: swaps the bytes of each halfword (a zero-extended W value stays zero-extended). */
    static final class Rev16 extends DataProcessing1Source {
        private final long mask;

        Rev16(boolean sf, int rd, int rn) {
            super(Op.REV16, sf, rd, rn);
            this.mask = sf ? -1L : 0xffff_ffffL;
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], 0, 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            long v = n & mask;
            return ((v >>> 8) & BYTE_PAIRS) | ((v & BYTE_PAIRS) << 8);
        }
    }

    /** REV32 (64-bit): reverses the bytes of each word. */
    static final class Rev32 extends DataProcessing1Source {
        Rev32(int rd, int rn) {
            super(Op.REV32, true, rd, rn);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], 0, 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return Long.rotateLeft(Long.reverseBytes(n), 32);
        }
    }

    static final class Rev64 extends DataProcessing1Source {
        Rev64(int rd, int rn) {
            super(Op.REV, true, rd, rn);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], 0, 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return Long.reverseBytes(n);
        }
    }

    /** REV (32-bit). */
    static final class Rev32Bit extends DataProcessing1Source {
        Rev32Bit(int rd, int rn) {
            super(Op.REV, false, rd, rn);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], 0, 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return Integer.reverseBytes((int) n) & 0xffff_ffffL;
        }
    }

    static final class Clz64 extends DataProcessing1Source {
        Clz64(int rd, int rn) {
            super(Op.CLZ, true, rd, rn);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], 0, 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return Long.numberOfLeadingZeros(n);
        }
    }

    static final class Clz32 extends DataProcessing1Source {
        Clz32(int rd, int rn) {
            super(Op.CLZ, false, rd, rn);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], 0, 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return Integer.numberOfLeadingZeros((int) n);
        }
    }

    /** CLS: leading bits equal to the sign bit, not counting it: CLZ(x EOR (x ASR 1)) - 1. */
    static final class Cls64 extends DataProcessing1Source {
        Cls64(int rd, int rn) {
            super(Op.CLS, true, rd, rn);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], 0, 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            long v = n;
            return Long.numberOfLeadingZeros(v ^ (v >> 1)) - 1;
        }
    }

    static final class Cls32 extends DataProcessing1Source {
        Cls32(int rd, int rn) {
            super(Op.CLS, false, rd, rn);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], 0, 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            int v = (int) n;
            return Integer.numberOfLeadingZeros(v ^ (v >> 1)) - 1;
        }
    }
}
