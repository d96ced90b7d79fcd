package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.Insn;

import java.lang.invoke.VarHandle;

/**
 * CLREX, DSB, DMB, ISB. DMB and DSB of any domain and type become a full fence: stronger than needed for
 * the weaker options, never weaker. ISB ends the translation block so that later instructions are fetched
 * and decoded afresh.
 */
public abstract class Barrier extends Insn {
    private final String mnemonic;
    private final int crm;

    private Barrier(String mnemonic, int crm) {
        this.mnemonic = mnemonic;
        this.crm = crm;
    }

    public static Insn clrex(int crm) {
        return new Clrex(crm);
    }

    /** DSB (synchronization = true) or DMB. */
    public static Insn memoryBarrier(boolean synchronization, int crm) {
        return new Fence(synchronization ? "dsb" : "dmb", crm);
    }

    public static Insn isb(int crm) {
        return new Isb(crm);
    }

    @Override
    public String toString() {
        return mnemonic + " #" + crm;
    }

    static final class Clrex extends Barrier {
        Clrex(int crm) {
            super("clrex", crm);
        }

        @Override
        public void exec(Cpu cpu) {
            cpu.exclusiveAddress = -1;
        }
    }

    static final class Fence extends Barrier {
        Fence(String mnemonic, int crm) {
            super(mnemonic, crm);
        }

        @Override
        public void exec(Cpu cpu) {
            VarHandle.fullFence();
        }
    }

    static final class Isb extends Barrier {
        Isb(int crm) {
            super("isb", crm);
        }

        @Override
        public void exec(Cpu cpu) {
        }

        @Override
        public boolean endsBlock() {
            return true;
        }
    }
}
