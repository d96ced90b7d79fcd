package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.FpAccess;

/**
 * Load/store SIMD&amp;FP register, B/H/S/D/Q: LDR/STR (unsigned offset, pre- and post-indexed, register offset)
 * and LDUR/STUR. The immediate forms share one shape: {@code accessOffset} is the offset used for the access
 * (0 when post-indexed) and, with {@code writeback}, Rn becomes Rn + {@code offset}. Loads and stores are separate
 * classes so that each decoded instruction's {@code exec} does one thing.
 */
public final class LoadStoreSimdFpRegister {
    private LoadStoreSimdFpRegister() {
    }

    /** The immediate forms: the access at Rn + accessOffset, then the optional writeback. */
    abstract static sealed class Immediate extends LoadStoreInsn permits Load, Store {
        final int vt;
        private final int rn;
        private final long accessOffset;
        private final long offset;
        private final boolean writeback;
        final int size;

        Immediate(String text, int vt, int rn, long accessOffset, long offset, boolean writeback, int size) {
            super(text);
            this.vt = vt;
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

    /** LDR/LDUR Bt..Qt, immediate forms. */
    public static final class Load extends Immediate {
        public Load(String text, int vt, int rn, long accessOffset, long offset, boolean writeback, int size) {
            super(text, vt, rn, accessOffset, offset, writeback, size);
        }

        @Override
        void transfer(Cpu cpu, long va) {
            Transfer.loadVector(cpu, va, vt, size);
        }
    }

    /** STR/STUR Bt..Qt, immediate forms. */
    public static final class Store extends Immediate {
        public Store(String text, int vt, int rn, long accessOffset, long offset, boolean writeback, int size) {
            super(text, vt, rn, accessOffset, offset, writeback, size);
        }

        @Override
        void transfer(Cpu cpu, long va) {
            Transfer.storeVector(cpu, va, vt, size);
        }
    }

    /**
     * The register-offset forms: the access at Rn + the extended and shifted Rm, as
     * {@link LoadStoreRegisterOffset#offset}.
     */
    abstract static sealed class RegisterOffset extends LoadStoreInsn permits LoadRegisterOffset, StoreRegisterOffset {
        final int vt;
        private final int rn;
        private final int rm;
        private final int extendShift;
        private final long extendMask;
        private final int shift;
        final int size;

        RegisterOffset(String text, int vt, int rn, int rm, int extendShift, long extendMask, int shift, int size) {
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
        public final void exec(Cpu cpu) {
            FpAccess.check(cpu);
            long[] r = cpu.r;
            transfer(cpu, r[rn] + LoadStoreRegisterOffset.offset(r[rm], extendShift, extendMask, shift));
        }

        abstract void transfer(Cpu cpu, long va);
    }

    /** LDR Bt..Qt [Xn|SP, Rm{, extend {#amount}}]. */
    public static final class LoadRegisterOffset extends RegisterOffset {
        public LoadRegisterOffset(String text, int vt, int rn, int rm, int extendShift, long extendMask, int shift,
                int size) {
            super(text, vt, rn, rm, extendShift, extendMask, shift, size);
        }

        @Override
        void transfer(Cpu cpu, long va) {
            Transfer.loadVector(cpu, va, vt, size);
        }
    }

    /** STR Bt..Qt [Xn|SP, Rm{, extend {#amount}}]. */
    public static final class StoreRegisterOffset extends RegisterOffset {
        public StoreRegisterOffset(String text, int vt, int rn, int rm, int extendShift, long extendMask, int shift,
                int size) {
            super(text, vt, rn, rm, extendShift, extendMask, shift, size);
        }

        @Override
        void transfer(Cpu cpu, long va) {
            Transfer.storeVector(cpu, va, vt, size);
        }
    }
}
