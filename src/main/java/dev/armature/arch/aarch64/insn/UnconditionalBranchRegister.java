package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.Exceptions;
import dev.armature.arch.aarch64.Insn;
import dev.armature.arch.aarch64.SyncException;

/** BR, BLR, RET and ERET. */
public abstract class UnconditionalBranchRegister extends Insn {
    protected final int rn;

    private UnconditionalBranchRegister(int rn) {
        this.rn = rn;
    }

    /** BR (link = false) or BLR. */
    public static Insn branch(boolean link, int rn) {
        return link ? new Blr(rn) : new Br(rn);
    }

    public static Insn ret(int rn) {
        return new Ret(rn);
    }

    public static Insn eret() {
        return new Eret();
    }

    @Override
    public boolean endsBlock() {
        return true;
    }

    static final class Br extends UnconditionalBranchRegister {
        Br(int rn) {
            super(rn);
        }

        @Override
        public void exec(Cpu cpu) {
            cpu.nextPc = cpu.r[rn];
        }

        @Override
        public String toString() {
            return "br " + Reg.x(rn);
        }
    }

    static final class Blr extends UnconditionalBranchRegister {
        Blr(int rn) {
            super(rn);
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            long target = r[rn]; // before the link write: BLR X30 branches to the old X30
            r[30] = cpu.pc + 4;
            cpu.nextPc = target;
        }

        @Override
        public String toString() {
            return "blr " + Reg.x(rn);
        }
    }

    /** RET: BR with a hint that this is a subroutine return. */
    static final class Ret extends UnconditionalBranchRegister {
        Ret(int rn) {
            super(rn);
        }

        @Override
        public void exec(Cpu cpu) {
            cpu.nextPc = cpu.r[rn];
        }

        @Override
        public String toString() {
            return rn == 30 ? "ret" : "ret " + Reg.x(rn);
        }
    }

    /** ERET: UNDEFINED at EL0; else restores PSTATE from SPSR and branches to ELR. */
    static final class Eret extends UnconditionalBranchRegister {
        Eret() {
            super(Cpu.XZR);
        }

        @Override
        public void exec(Cpu cpu) {
            if (cpu.el == 0) {
                throw SyncException.undefined(cpu.pc);
            }
            Exceptions.eret(cpu);
            cpu.updateInterrupts(); // the restored PSTATE may unmask a pending interrupt
        }

        @Override
        public String toString() {
            return "eret";
        }
    }
}
