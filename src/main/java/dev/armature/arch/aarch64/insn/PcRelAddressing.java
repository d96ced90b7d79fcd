package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.DataProcessingInsn;
import dev.armature.arch.aarch64.Insn;

/** ADR and ADRP: a PC-relative address into Rd. */
public abstract class PcRelAddressing extends DataProcessingInsn {
    protected final long offset;

    private PcRelAddressing(int rd, long offset) {
        super(rd, Cpu.XZR, Cpu.XZR, Cpu.XZR);
        this.offset = offset;
    }

    /** @param offset signed byte offset (ADR) or page offset already multiplied by 4096 (ADRP) */
    public static Insn create(boolean page, int rd, long offset) {
        return page ? new Adrp(rd, offset) : new Adr(rd, offset);
    }

    static final class Adr extends PcRelAddressing {
        Adr(int rd, long offset) {
            super(rd, offset);
        }

        @Override
        public void exec(Cpu cpu) {
            cpu.r[rd] = compute(cpu, 0, 0, 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return cpu.pc + offset;
        }

        @Override
        public String toString() {
            return "adr " + Reg.x(rd) + ", . + " + offset;
        }
    }

    static final class Adrp extends PcRelAddressing {
        Adrp(int rd, long offset) {
            super(rd, offset);
        }

        @Override
        public void exec(Cpu cpu) {
            cpu.r[rd] = compute(cpu, 0, 0, 0);
        }

        @Override
        public long compute(Cpu cpu, long n, long m, long a) {
            return (cpu.pc & ~0xfffL) + offset;
        }

        @Override
        public String toString() {
            return "adrp " + Reg.x(rd) + ", page + " + Reg.hex(offset);
        }
    }
}
