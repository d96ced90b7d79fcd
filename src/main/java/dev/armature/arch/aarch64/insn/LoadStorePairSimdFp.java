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

    /** LDP/LDNP St/Dt/Qt. */
    public static final class Load extends LoadStoreInsn {
        private final int vt;
        private final int vt2;
        private final int rn;
        private final long accessOffset;
        private final long offset;
        private final boolean writeback;
        private final int size;

        public Load(String text, int vt, int vt2, int rn, long accessOffset, long offset, boolean writeback,
                int size) {
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
        public void exec(Cpu cpu) {
            FpAccess.check(cpu);
            long base = cpu.r[rn];
            long va = base + accessOffset;
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
            if (writeback) {
                cpu.r[rn] = base + offset;
            }
        }
    }

    /** STP/STNP St/Dt/Qt. */
    public static final class Store extends LoadStoreInsn {
        private final int vt;
        private final int vt2;
        private final int rn;
        private final long accessOffset;
        private final long offset;
        private final boolean writeback;
        private final int size;

        public Store(String text, int vt, int vt2, int rn, long accessOffset, long offset, boolean writeback,
                int size) {
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
        public void exec(Cpu cpu) {
            FpAccess.check(cpu);
            long base = cpu.r[rn];
            long va = base + accessOffset;
            Transfer.storeVector(cpu, va, vt, size);
            Transfer.storeVector(cpu, va + size, vt2, size);
            if (writeback) {
                cpu.r[rn] = base + offset;
            }
        }
    }
}
