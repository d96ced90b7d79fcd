package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.FpAccess;

/**
 * Load/store SIMD&amp;FP register, B/H/S/D/Q: LDR/STR (unsigned offset, pre- and post-indexed, register offset)
 * and LDUR/STUR. The immediate forms share one class: {@code accessOffset} is the offset used for the access
 * (0 when post-indexed) and, with {@code writeback}, Rn becomes Rn + {@code offset}.
 */
public final class LoadStoreSimdFpRegister {
    private LoadStoreSimdFpRegister() {
    }

    /** LDR/LDUR Bt..Qt, immediate forms. */
    public static final class Load extends LoadStoreInsn {
        private final int vt;
        private final int rn;
        private final long accessOffset;
        private final long offset;
        private final boolean writeback;
        private final int size;

        public Load(String text, int vt, int rn, long accessOffset, long offset, boolean writeback, int size) {
            super(text);
            this.vt = vt;
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
            Transfer.loadVector(cpu, base + accessOffset, vt, size);
            if (writeback) {
                cpu.r[rn] = base + offset;
            }
        }
    }

    /** STR/STUR Bt..Qt, immediate forms. */
    public static final class Store extends LoadStoreInsn {
        private final int vt;
        private final int rn;
        private final long accessOffset;
        private final long offset;
        private final boolean writeback;
        private final int size;

        public Store(String text, int vt, int rn, long accessOffset, long offset, boolean writeback, int size) {
            super(text);
            this.vt = vt;
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
            Transfer.storeVector(cpu, base + accessOffset, vt, size);
            if (writeback) {
                cpu.r[rn] = base + offset;
            }
        }
    }

    /** LDR Bt..Qt [Xn|SP, Rm{, extend {#amount}}], offset as {@link LoadStoreRegisterOffset#offset}. */
    public static final class LoadRegisterOffset extends LoadStoreInsn {
        private final int vt;
        private final int rn;
        private final int rm;
        private final int extendShift;
        private final long extendMask;
        private final int shift;
        private final int size;

        public LoadRegisterOffset(String text, int vt, int rn, int rm, int extendShift, long extendMask, int shift,
                int size) {
            super(text);
            this.vt = vt;
            this.rn = rn;
            this.rm = rm;
            this.extendShift = extendShift;
            this.extendMask = extendMask;
            this.shift = shift;
            this.size = size;
        }

        @Override
        public void exec(Cpu cpu) {
            FpAccess.check(cpu);
            long[] r = cpu.r;
            long va = r[rn] + LoadStoreRegisterOffset.offset(r[rm], extendShift, extendMask, shift);
            Transfer.loadVector(cpu, va, vt, size);
        }
    }

    /** STR Bt..Qt [Xn|SP, Rm{, extend {#amount}}]. */
    public static final class StoreRegisterOffset extends LoadStoreInsn {
        private final int vt;
        private final int rn;
        private final int rm;
        private final int extendShift;
        private final long extendMask;
        private final int shift;
        private final int size;

        public StoreRegisterOffset(String text, int vt, int rn, int rm, int extendShift, long extendMask, int shift,
                int size) {
            super(text);
            this.vt = vt;
            this.rn = rn;
            this.rm = rm;
            this.extendShift = extendShift;
            this.extendMask = extendMask;
            this.shift = shift;
            this.size = size;
        }

        @Override
        public void exec(Cpu cpu) {
            FpAccess.check(cpu);
            long[] r = cpu.r;
            long va = r[rn] + LoadStoreRegisterOffset.offset(r[rm], extendShift, extendMask, shift);
            Transfer.storeVector(cpu, va, vt, size);
        }
    }
}
