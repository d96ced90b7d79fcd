package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;

/**
 * Load/store register (unprivileged): LDTR*, STTR*. At EL1 they access memory with EL0's permissions; at other
 * ELs they are ordinary accesses ({@code CpuMemory.readUnprivileged/writeUnprivileged}).
 */
public final class LoadStoreRegisterUnprivileged {
    private LoadStoreRegisterUnprivileged() {
    }

    /** LDTR* [Xn|SP, #simm9]. */
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
            r[rt] = Transfer.extend(cpu.memory.readUnprivileged(r[rn] + offset, size), signShift, mask);
        }
    }

    /** STTR* [Xn|SP, #simm9]. */
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
            cpu.memory.writeUnprivileged(r[rn] + offset, size, r[rt]);
        }
    }
}
