package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;

/**
 * Load/store register with an immediate offset, general-purpose registers: the unsigned (scaled) offset and
 * unscaled (LDUR/STUR) forms, which differ only in how the decoder scales the immediate, and the pre- and
 * post-indexed forms with writeback.
 *
 * <p>Loads take {@code signShift}/{@code mask} from {@link Transfer#extend}, so one class covers every size and
 * extension.
 *
 * <p>Writeback with Rn == Rt (CONSTRAINED UNPREDICTABLE, Arm ARM K1.2) behaves as QEMU does: a load writes Rt
 * and then the written-back address to Rn, so Rn ends with the address; a store stores Rt's value from before
 * the writeback.
 */
public final class LoadStoreRegisterImmediate {
    private LoadStoreRegisterImmediate() {
    }

    /** LDR* [Xn|SP, #imm] and LDUR*. */
    public static final class Load extends LoadStoreInsn {
        private final int rt;
        private final int rn;
        private final long offset;
        private final int size;
        private final int signShift;
        private final long mask;

        public Load(String text, int rt, int rn, long offset, int size, int signShift, long mask) {
            super(text);
            this.rt = rt;
            this.rn = rn;
            this.offset = offset;
            this.size = size;
            this.signShift = signShift;
            this.mask = mask;
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            r[rt] = Transfer.extend(cpu.read(r[rn] + offset, size), signShift, mask);
        }
    }

    /** STR* [Xn|SP, #imm] and STUR*. */
    public static final class Store extends LoadStoreInsn {
        private final int rt;
        private final int rn;
        private final long offset;
        private final int size;

        public Store(String text, int rt, int rn, long offset, int size) {
            super(text);
            this.rt = rt;
            this.rn = rn;
            this.offset = offset;
            this.size = size;
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            cpu.write(r[rn] + offset, size, r[rt]);
        }
    }

    /**
     * LDR* pre-indexed ({@code accessOffset} = imm) or post-indexed ({@code accessOffset} = 0); Rn becomes
     * Rn + imm either way.
     */
    public static final class LoadWriteback extends LoadStoreInsn {
        private final int rt;
        private final int rn;
        private final long accessOffset;
        private final long offset;
        private final int size;
        private final int signShift;
        private final long mask;

        public LoadWriteback(String text, int rt, int rn, long accessOffset, long offset, int size, int signShift,
                long mask) {
            super(text);
            this.rt = rt;
            this.rn = rn;
            this.accessOffset = accessOffset;
            this.offset = offset;
            this.size = size;
            this.signShift = signShift;
            this.mask = mask;
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            long base = r[rn];
            r[rt] = Transfer.extend(cpu.read(base + accessOffset, size), signShift, mask);
            r[rn] = base + offset;
        }
    }

    /** STR* pre- or post-indexed, as {@link LoadWriteback}. */
    public static final class StoreWriteback extends LoadStoreInsn {
        private final int rt;
        private final int rn;
        private final long accessOffset;
        private final long offset;
        private final int size;

        public StoreWriteback(String text, int rt, int rn, long accessOffset, long offset, int size) {
            super(text);
            this.rt = rt;
            this.rn = rn;
            this.accessOffset = accessOffset;
            this.offset = offset;
            this.size = size;
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            long base = r[rn];
            cpu.write(base + accessOffset, size, r[rt]);
            r[rn] = base + offset;
        }
    }
}
