package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;

/**
 * Load/store register (register offset), general-purpose registers: address = Xn|SP + (extend(Rm) &lt;&lt;
 * shift). The extension is applied branch-free: UXTW is {@code extendShift} 32 with {@code extendMask}
 * 0xffffffff, SXTW is 32 with -1, LSL/SXTX are 0 with -1.
 */
public final class LoadStoreRegisterOffset {
    private LoadStoreRegisterOffset() {
    }

    /** The offset register's contribution to the address. */
    public static long offset(long rm, int extendShift, long extendMask, int shift) {
        return ((rm << extendShift >> extendShift) & extendMask) << shift;
    }

    /** LDR* [Xn|SP, Rm{, extend {#amount}}]. */
    public static final class Load extends LoadStoreInsn {
        private final int rt;
        private final int rn;
        private final int rm;
        private final int extendShift;
        private final long extendMask;
        private final int shift;
        private final int size;
        private final int signShift;
        private final long mask;

        public Load(String text, int rt, int rn, int rm, int extendShift, long extendMask, int shift, int size,
                int signShift, long mask) {
            super(text);
            this.rt = rt;
            this.rn = rn;
            this.rm = rm;
            this.extendShift = extendShift;
            this.extendMask = extendMask;
            this.shift = shift;
            this.size = size;
            this.signShift = signShift;
            this.mask = mask;
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            long va = r[rn] + offset(r[rm], extendShift, extendMask, shift);
            r[rt] = Transfer.extend(cpu.read(va, size), signShift, mask);
        }
    }

    /** STR* [Xn|SP, Rm{, extend {#amount}}]. */
    public static final class Store extends LoadStoreInsn {
        private final int rt;
        private final int rn;
        private final int rm;
        private final int extendShift;
        private final long extendMask;
        private final int shift;
        private final int size;

        public Store(String text, int rt, int rn, int rm, int extendShift, long extendMask, int shift, int size) {
            super(text);
            this.rt = rt;
            this.rn = rn;
            this.rm = rm;
            this.extendShift = extendShift;
            this.extendMask = extendMask;
            this.shift = shift;
            this.size = size;
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            cpu.write(r[rn] + offset(r[rm], extendShift, extendMask, shift), size, r[rt]);
        }
    }
}
