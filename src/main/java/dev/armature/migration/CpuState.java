package dev.armature.migration;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.Feature;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * One vCPU's architectural state in a snapshot: X0-X30, SP_EL0..SP_EL3, PC, PSTATE, V0-V31, FPCR, FPSR, then
 * the system registers and the generic timer ({@link dev.armature.arch.aarch64.SysRegs#saveState}).
 *
 * <p>Saved at an instruction boundary, so there is no instruction in flight. The local exclusive monitor is not
 * saved: a restored vCPU starts with it open (no exclusive access), so a store-exclusive interrupted by the
 * snapshot fails and the guest's retry loop runs again, as after any exception return.
 */
public final class CpuState {
    private static final int SP_BANKS = 4;

    private CpuState() {
    }

    public static void save(Cpu cpu, DataOutput out) throws IOException {
        for (int n = 0; n < 31; n++) {
            out.writeLong(cpu.r[n]);
        }
        for (int el = 0; el < SP_BANKS; el++) {
            out.writeLong(cpu.spOf(el));
        }
        out.writeLong(cpu.pc);
        out.writeLong(cpu.pstate());
        for (long v : cpu.v) {
            out.writeLong(v);
        }
        out.writeInt(cpu.fpcr);
        out.writeInt(cpu.fpsr);
        cpu.sys.saveState(out);
    }

    /**
     * Reads a {@link #save} record for {@code fresh}, a new Cpu not yet running, and checks it fits that Cpu's
     * model (an AArch64 PSTATE at an implemented EL). The returned action sets the state; run it after the
     * board has wired the Cpu (wiring sets the affinity and timer outputs the state then overrides or drives).
     */
    public static Runnable load(DataInput in, Cpu fresh) throws IOException {
        long[] x = new long[31];
        for (int n = 0; n < x.length; n++) {
            x[n] = in.readLong();
        }
        long[] sp = new long[SP_BANKS];
        for (int el = 0; el < SP_BANKS; el++) {
            sp[el] = in.readLong();
        }
        long pc = in.readLong();
        long pstate = in.readLong();
        if ((pstate & 0x10) != 0) {
            throw new IOException("vCPU " + fresh.index + ": PSTATE 0x" + Long.toHexString(pstate)
                    + " is AArch32, which Armature does not run");
        }
        int el = (int) (pstate >>> 2) & 3;
        int maxEl = fresh.model.has(Feature.EL2) ? 2 : 1;
        if (el > maxEl) {
            throw new IOException("vCPU " + fresh.index + ": saved at EL" + el + ", this CPU model has EL0-EL"
                    + maxEl);
        }
        long[] v = new long[fresh.v.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = in.readLong();
        }
        int fpcr = in.readInt();
        int fpsr = in.readInt();
        Runnable sys = fresh.sys.loadState(in);
        return () -> {
            System.arraycopy(x, 0, fresh.r, 0, x.length);
            fresh.setPstate(pstate);
            for (int level = 0; level < SP_BANKS; level++) {
                fresh.setSpOf(level, sp[level]);
            }
            fresh.pc = pc;
            fresh.nextPc = pc;
            System.arraycopy(v, 0, fresh.v, 0, v.length);
            fresh.fpcr = fpcr;
            fresh.fpsr = fpsr;
            fresh.exclusiveAddress = -1;
            sys.run();
            fresh.updateInterrupts();
        };
    }
}
