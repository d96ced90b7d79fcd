package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.FpAccess;

/** Load register (literal): LDR Wt/Xt, LDRSW and LDR St/Dt/Qt from PC + imm19 * 4. */
public final class LoadRegisterLiteral {
    private LoadRegisterLiteral() {
    }

    /** LDR Wt/Xt, LDRSW Xt (label). */
    public static final class General extends LoadStoreInsn {
        private final int rt;
        private final long offset;
        private final int size;
        private final int signShift;

        public General(String text, int rt, long offset, int size, int signShift) {
            super(text);
            this.rt = rt;
            this.offset = offset;
            this.size = size;
            this.signShift = signShift;
        }

        @Override
        public void exec(Cpu cpu) {
            cpu.r[rt] = Transfer.extend(cpu.read(cpu.pc + offset, size), signShift, -1L);
        }
    }

    /** LDR St/Dt/Qt (label). */
    public static final class SimdFp extends LoadStoreInsn {
        private final int vt;
        private final long offset;
        private final int size;

        public SimdFp(String text, int vt, long offset, int size) {
            super(text);
            this.vt = vt;
            this.offset = offset;
            this.size = size;
        }

        @Override
        public void exec(Cpu cpu) {
            FpAccess.check(cpu);
            Transfer.loadVector(cpu, cpu.pc + offset, vt, size);
        }
    }
}
