package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;

/**
 * Load/store pair, general-purpose registers: LDP/STP W and X, LDPSW, LDNP/STNP (the no-allocate hint changes
 * nothing here), in the signed-offset, pre-indexed and post-indexed forms.
 *
 * <p>CONSTRAINED UNPREDICTABLE cases follow QEMU, the reference: a load writes Rt2, then Rt, then the
 * writeback, so LDP with Rt == Rt2 leaves the first value in the register, and writeback with Rn == Rt or
 * Rn == Rt2 leaves the written-back address in Rn. A store with writeback stores the registers' values from
 * before the writeback.
 */
public final class LoadStorePair {
    private LoadStorePair() {
    }

    /** LDP/LDNP/LDPSW [Xn|SP{, #imm}]. */
    public static final class Load extends LoadStoreInsn {
        private final int rt;
        private final int rt2;
        private final int rn;
        private final long offset;
        private final int size;
        private final int signShift;

        public Load(String text, int rt, int rt2, int rn, long offset, int size, int signShift) {
            super(text);
            this.rt = rt;
            this.rt2 = rt2;
            this.rn = rn;
            this.offset = offset;
            this.size = size;
            this.signShift = signShift;
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            long va = r[rn] + offset;
            long first = cpu.read(va, size);
            long second = cpu.read(va + size, size);
            r[rt2] = Transfer.extend(second, signShift, -1L);
            r[rt] = Transfer.extend(first, signShift, -1L);
        }
    }

    /** STP/STNP [Xn|SP{, #imm}]. */
    public static final class Store extends LoadStoreInsn {
        private final int rt;
        private final int rt2;
        private final int rn;
        private final long offset;
        private final int size;

        public Store(String text, int rt, int rt2, int rn, long offset, int size) {
            super(text);
            this.rt = rt;
            this.rt2 = rt2;
            this.rn = rn;
            this.offset = offset;
            this.size = size;
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            long va = r[rn] + offset;
            cpu.write(va, size, r[rt]);
            cpu.write(va + size, size, r[rt2]);
        }
    }

    /** LDP/LDPSW pre-indexed ({@code accessOffset} = imm) or post-indexed (0); Rn becomes Rn + imm. */
    public static final class LoadWriteback extends LoadStoreInsn {
        private final int rt;
        private final int rt2;
        private final int rn;
        private final long accessOffset;
        private final long offset;
        private final int size;
        private final int signShift;

        public LoadWriteback(String text, int rt, int rt2, int rn, long accessOffset, long offset, int size,
                int signShift) {
            super(text);
            this.rt = rt;
            this.rt2 = rt2;
            this.rn = rn;
            this.accessOffset = accessOffset;
            this.offset = offset;
            this.size = size;
            this.signShift = signShift;
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            long base = r[rn];
            long va = base + accessOffset;
            long first = cpu.read(va, size);
            long second = cpu.read(va + size, size);
            r[rt2] = Transfer.extend(second, signShift, -1L);
            r[rt] = Transfer.extend(first, signShift, -1L);
            r[rn] = base + offset;
        }
    }

    /** STP pre- or post-indexed, as {@link LoadWriteback}. */
    public static final class StoreWriteback extends LoadStoreInsn {
        private final int rt;
        private final int rt2;
        private final int rn;
        private final long accessOffset;
        private final long offset;
        private final int size;

        public StoreWriteback(String text, int rt, int rt2, int rn, long accessOffset, long offset, int size) {
            super(text);
            this.rt = rt;
            this.rt2 = rt2;
            this.rn = rn;
            this.accessOffset = accessOffset;
            this.offset = offset;
            this.size = size;
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            long base = r[rn];
            long va = base + accessOffset;
            cpu.write(va, size, r[rt]);
            cpu.write(va + size, size, r[rt2]);
            r[rn] = base + offset;
        }
    }
}
