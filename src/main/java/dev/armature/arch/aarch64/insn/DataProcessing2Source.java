package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Alu;
import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.DataProcessingInsn;
import dev.armature.arch.aarch64.Insn;

/**
 * Data-processing (2 source): UDIV, SDIV, LSLV, LSRV, ASRV, RORV, CRC32{B,H,W,X}, CRC32C{B,H,W,X}.
 * Division by zero gives 0 and INT_MIN / -1 gives INT_MIN (no trap), as the architecture specifies. Variable
 * shifts use the amount modulo the operation size, which is what Java's shift operators do.
 */
public abstract class DataProcessing2Source extends DataProcessingInsn {
    /** The division and shift operations. */
    public enum Op { UDIV, SDIV, LSLV, LSRV, ASRV, RORV }

    protected final boolean sf;

    private DataProcessing2Source(boolean sf, int rd, int rn, int rm) {
        super(rd, rn, rm, Cpu.XZR);
        this.sf = sf;
    }

    public static Insn create(Op op, boolean sf, int rd, int rn, int rm) {
        return switch (op) {
            case UDIV -> sf ? new Udiv64(rd, rn, rm) : new Udiv32(rd, rn, rm);
            case SDIV -> sf ? new Sdiv64(rd, rn, rm) : new Sdiv32(rd, rn, rm);
            case LSLV -> sf ? new Lslv64(rd, rn, rm) : new Lslv32(rd, rn, rm);
            case LSRV -> sf ? new Lsrv64(rd, rn, rm) : new Lsrv32(rd, rn, rm);
            case ASRV -> sf ? new Asrv64(rd, rn, rm) : new Asrv32(rd, rn, rm);
            case RORV -> sf ? new Rorv64(rd, rn, rm) : new Rorv32(rd, rn, rm);
        };
    }

    /** CRC32 (castagnoli = false) or CRC32C of a 1 &lt;&lt; sz byte value; the X form has sf set. */
    public static Insn crc32(boolean castagnoli, int sz, int rd, int rn, int rm) {
        return new Crc32(castagnoli, sz, rd, rn, rm);
    }

    protected String text(String mnemonic) {
        return mnemonic + " " + Reg.name(rd, sf) + ", " + Reg.name(rn, sf) + ", " + Reg.name(rm, sf);
    }

    static final class Udiv64 extends DataProcessing2Source {
        Udiv64(int rd, int rn, int rm) {
            super(true, rd, rn, rm);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], r[rm], 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            long d = m;
            return d == 0 ? 0 : Long.divideUnsigned(n, d);
        }

        @Override
        public String toString() {
            return text("udiv");
        }
    }

    static final class Udiv32 extends DataProcessing2Source {
        Udiv32(int rd, int rn, int rm) {
            super(false, rd, rn, rm);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], r[rm], 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            int d = (int) m;
            return d == 0 ? 0 : Integer.divideUnsigned((int) n, d) & 0xffff_ffffL;
        }

        @Override
        public String toString() {
            return text("udiv");
        }
    }

    static final class Sdiv64 extends DataProcessing2Source {
        Sdiv64(int rd, int rn, int rm) {
            super(true, rd, rn, rm);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], r[rm], 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            long d = m;
            return d == 0 ? 0 : n / d; // Java's MIN_VALUE / -1 == MIN_VALUE, as on Arm
        }

        @Override
        public String toString() {
            return text("sdiv");
        }
    }

    static final class Sdiv32 extends DataProcessing2Source {
        Sdiv32(int rd, int rn, int rm) {
            super(false, rd, rn, rm);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], r[rm], 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            int d = (int) m;
            return d == 0 ? 0 : ((int) n / d) & 0xffff_ffffL;
        }

        @Override
        public String toString() {
            return text("sdiv");
        }
    }

    static final class Lslv64 extends DataProcessing2Source {
        Lslv64(int rd, int rn, int rm) {
            super(true, rd, rn, rm);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], r[rm], 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return n << m;
        }

        @Override
        public String toString() {
            return text("lsl");
        }
    }

    static final class Lslv32 extends DataProcessing2Source {
        Lslv32(int rd, int rn, int rm) {
            super(false, rd, rn, rm);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], r[rm], 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return ((int) n << m) & 0xffff_ffffL;
        }

        @Override
        public String toString() {
            return text("lsl");
        }
    }

    static final class Lsrv64 extends DataProcessing2Source {
        Lsrv64(int rd, int rn, int rm) {
            super(true, rd, rn, rm);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], r[rm], 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return n >>> m;
        }

        @Override
        public String toString() {
            return text("lsr");
        }
    }

    static final class Lsrv32 extends DataProcessing2Source {
        Lsrv32(int rd, int rn, int rm) {
            super(false, rd, rn, rm);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], r[rm], 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return ((int) n >>> m) & 0xffff_ffffL;
        }

        @Override
        public String toString() {
            return text("lsr");
        }
    }

    static final class Asrv64 extends DataProcessing2Source {
        Asrv64(int rd, int rn, int rm) {
            super(true, rd, rn, rm);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], r[rm], 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return n >> m;
        }

        @Override
        public String toString() {
            return text("asr");
        }
    }

    static final class Asrv32 extends DataProcessing2Source {
        Asrv32(int rd, int rn, int rm) {
            super(false, rd, rn, rm);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], r[rm], 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return ((int) n >> m) & 0xffff_ffffL;
        }

        @Override
        public String toString() {
            return text("asr");
        }
    }

    static final class Rorv64 extends DataProcessing2Source {
        Rorv64(int rd, int rn, int rm) {
            super(true, rd, rn, rm);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], r[rm], 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return Long.rotateRight(n, (int) m);
        }

        @Override
        public String toString() {
            return text("ror");
        }
    }

    static final class Rorv32 extends DataProcessing2Source {
        Rorv32(int rd, int rn, int rm) {
            super(false, rd, rn, rm);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], r[rm], 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return Integer.rotateRight((int) n, (int) m) & 0xffff_ffffL;
        }

        @Override
        public String toString() {
            return text("ror");
        }
    }

    /** CRC32B/H/W/X, CRC32CB/H/W/X: Wd = CRC of the low 1 &lt;&lt; sz bytes of Rm, continuing from Wn. */
    static final class Crc32 extends DataProcessing2Source {
        private static final String SIZES = "bhwx";

        private final boolean castagnoli;
        private final int bytes;
        private final int sz;

        Crc32(boolean castagnoli, int sz, int rd, int rn, int rm) {
            super(sz == 3, rd, rn, rm);
            this.castagnoli = castagnoli;
            this.sz = sz;
            this.bytes = 1 << sz;
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], r[rm], 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return Alu.crc32((int) n, m, bytes, castagnoli) & 0xffff_ffffL;
        }

        @Override
        public String toString() {
            return (castagnoli ? "crc32c" : "crc32") + SIZES.charAt(sz) + " " + Reg.w(rd) + ", " + Reg.w(rn) + ", "
                    + Reg.name(rm, sz == 3);
        }
    }
}
