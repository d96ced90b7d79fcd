package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.FpAccess;

/**
 * Load/store pair of SIMD&amp;FP registers: LDP/STP/LDNP/STNP of S, D and Q, all index forms. {@code accessOffset}
 * is the offset used for the access (0 when post-indexed); with {@code writeback}, Rn becomes Rn + {@code offset}.
 * LDP with Vt == Vt2 (CONSTRAINED UNPREDICTABLE) leaves the second value, as QEMU does (unlike its integer LDP,
 * see {@link LoadStorePair}).
 */
public final class LoadStorePairSimdFp {
    private LoadStorePairSimdFp() {
    }

    /** Both directions: the access at Rn + accessOffset, then the optional writeback. */
    abstract static sealed class Pair extends LoadStoreInsn permits Load, Store {
        final int vt;
        final int vt2;
        private final int rn;
        private final long accessOffset;
        private final long offset;
        private final boolean writeback;
        final int size;

        Pair(String text, int vt, int vt2, int rn, long accessOffset, long offset, boolean writeback, int size) {
            super(text);
            this.vt = vt;
            this.vt2 = vt2;
            this.rn = rn;
            this.accessOffset = accessOffset;
            this.offset = offset;
            this.writeback = writeback;
            this.size = size;
        }

        @Override
        public final void exec(Cpu cpu) {
            FpAccess.check(cpu);
            long base = cpu.r[rn];
            transfer(cpu, base + accessOffset);
            if (writeback) {
                cpu.r[rn] = base + offset;
            }
        }

        abstract void transfer(Cpu cpu, long va);
    }

    /** LDP/LDNP St/Dt/Qt. Every access is made before any register is written, so an abort changes nothing. */
    public static final class Load extends Pair {
        public Load(String text, int vt, int vt2, int rn, long accessOffset, long offset, boolean writeback,
                int size) {
            super(text, vt, vt2, rn, accessOffset, offset, writeback, size);
        }

        @Override
        void transfer(Cpu cpu, long va) {
            long[] v = cpu.v;
            if (size == 16) {
                long low1 = cpu.read(va, 8);
                long high1 = cpu.read(va + 8, 8);
                long low2 = cpu.read(va + 16, 8);
                long high2 = cpu.read(va + 24, 8);
                v[2 * vt] = low1;
                v[2 * vt + 1] = high1;
                v[2 * vt2] = low2;
                v[2 * vt2 + 1] = high2;
            } else {
                long first = cpu.read(va, size);
                long second = cpu.read(va + size, size);
                v[2 * vt] = first;
                v[2 * vt + 1] = 0;
                v[2 * vt2] = second;
                v[2 * vt2 + 1] = 0;
            }
        }
    }

    /** STP/STNP St/Dt/Qt. */
    public static final class Store extends Pair {
        public Store(String text, int vt, int vt2, int rn, long accessOffset, long offset, boolean writeback,
                int size) {
            super(text, vt, vt2, rn, accessOffset, offset, writeback, size);
        }

        @Override
        void transfer(Cpu cpu, long va) {
            Transfer.storeVector(cpu, va, vt, size);
            Transfer.storeVector(cpu, va + size, vt2, size);
        }
    }
}
