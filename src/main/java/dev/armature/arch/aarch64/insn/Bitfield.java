package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.DataProcessingInsn;
import dev.armature.arch.aarch64.Insn;

/**
 * SBFM, BFM, UBFM (and so LSL/LSR/ASR immediate, SBFX/UBFX, SBFIZ/UBFIZ, BFI/BFXIL, SXT*, UXT*), following
 * the Arm ARM's pseudocode with wmask/tmask from DecodeBitMasks precomputed at decode time (SBFM as the two
 * shifts that pseudocode amounts to, {@link #sbfmRightShift}).
 */
public abstract class Bitfield extends DataProcessingInsn {
    /** The operations, in opc order. */
    public enum Op { SBFM, BFM, UBFM }

    /** Rotate amount R (immr). */
    protected final int rotate;
    protected final long wmask;
    protected final long tmask;
    private final Op op;
    private final boolean sf;
    private final int imms;

    private Bitfield(Op op, boolean sf, int rd, int rn, int immr, int imms, long wmask, long tmask) {
        super(rd, rn, Cpu.XZR, op == Op.BFM ? rd : Cpu.XZR);
        this.op = op;
        this.sf = sf;
        this.rotate = immr;
        this.imms = imms;
        this.wmask = wmask;
        this.tmask = tmask;
    }

    public static Insn create(Op op, boolean sf, int rd, int rn, int immr, int imms, long wmask, long tmask) {
        return switch (op) {
            case SBFM -> sf ? new Sbfm64(rd, rn, immr, imms, wmask, tmask) : new Sbfm32(rd, rn, immr, imms, wmask, tmask);
            case BFM -> sf ? new Bfm64(rd, rn, immr, imms, wmask, tmask) : new Bfm32(rd, rn, immr, imms, wmask, tmask);
            case UBFM -> sf ? new Ubfm64(rd, rn, immr, imms, wmask, tmask) : new Ubfm32(rd, rn, immr, imms, wmask, tmask);
        };
    }

    @Override
    public String toString() {
        return op.name().toLowerCase() + " " + Reg.name(rd, sf) + ", " + Reg.name(rn, sf) + ", #" + rotate + ", #"
                + imms;
    }

    static final class Ubfm64 extends Bitfield {
        private final long mask;

        Ubfm64(int rd, int rn, int immr, int imms, long wmask, long tmask) {
            super(Op.UBFM, true, rd, rn, immr, imms, wmask, tmask);
            this.mask = wmask & tmask;
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], 0, 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return Long.rotateRight(n, rotate) & mask;
        }
    }

    static final class Ubfm32 extends Bitfield {
        private final int mask;

        Ubfm32(int rd, int rn, int immr, int imms, long wmask, long tmask) {
            super(Op.UBFM, false, rd, rn, immr, imms, wmask, tmask);
            this.mask = (int) (wmask & tmask);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], 0, 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return (Integer.rotateRight((int) n, rotate) & mask) & 0xffff_ffffL;
        }
    }

    /**
     * SBFM as two shifts: the left one puts source bit S (the field's top bit, imms) at the top, the arithmetic
     * right one moves the field to where the pseudocode's {@code ROR(src, R) AND wmask} puts it, filling above
     * with the sign (Replicate(src<S>)) and below with zeros: to bit 0 if S >= R (ASR, SBFX, SXT*), else to bit
     * datasize - R (SBFIZ), the right shift then being R - S - 1. Two dependent operations instead of the
     * pseudocode's four, which lay on the critical path of loops such as a bitwise CRC.
     */
    static int sbfmRightShift(int datasize, int immr, int imms) {
        return imms >= immr ? datasize - 1 - imms + immr : immr - imms - 1;
    }

    static final class Sbfm64 extends Bitfield {
        private final int left;
        private final int right;

        Sbfm64(int rd, int rn, int immr, int imms, long wmask, long tmask) {
            super(Op.SBFM, true, rd, rn, immr, imms, wmask, tmask);
            this.left = 63 - imms;
            this.right = sbfmRightShift(64, immr, imms);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], 0, 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return (n << left) >> right;
        }
    }

    static final class Sbfm32 extends Bitfield {
        private final int left;
        private final int right;

        Sbfm32(int rd, int rn, int immr, int imms, long wmask, long tmask) {
            super(Op.SBFM, false, rd, rn, immr, imms, wmask, tmask);
            this.left = 31 - imms;
            this.right = sbfmRightShift(32, immr, imms);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], 0, 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return (((int) n << left) >> right) & 0xffff_ffffL;
        }
    }

    static final class Bfm64 extends Bitfield {
        Bfm64(int rd, int rn, int immr, int imms, long wmask, long tmask) {
            super(Op.BFM, true, rd, rn, immr, imms, wmask, tmask);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], 0, r[ra]);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            long dst = a;
            long bot = (dst & ~wmask) | (Long.rotateRight(n, rotate) & wmask);
            return (dst & ~tmask) | (bot & tmask);
        }
    }

    static final class Bfm32 extends Bitfield {
        Bfm32(int rd, int rn, int immr, int imms, long wmask, long tmask) {
            super(Op.BFM, false, rd, rn, immr, imms, wmask, tmask);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rd] = compute(cpu, r[rn], 0, r[ra]);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            int dst = (int) a;
            int w = (int) wmask;
            int t = (int) tmask;
            int bot = (dst & ~w) | (Integer.rotateRight((int) n, rotate) & w);
            return ((dst & ~t) | (bot & t)) & 0xffff_ffffL;
        }
    }
}
