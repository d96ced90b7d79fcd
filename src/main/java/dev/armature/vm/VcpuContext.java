package dev.armature.vm;

import dev.armature.arch.aarch64.Cpu;

/**
 * A vCPU's registers saved by {@link Vcpu#saveContext()} (Unicorn's uc_context): X0..X30, SP_EL0..SP_EL2, PC,
 * PSTATE, V0..V31, FPCR, FPSR, ELR/SPSR/ESR/FAR of EL1 and EL2. Immutable; restore it any number of times.
 */
public final class VcpuContext {
    private final long[] x = new long[31];
    private final long[] sp = new long[3];
    private final long pc;
    private final long pstate;
    private final long[] v;
    private final int fpcr;
    private final int fpsr;
    private final long[] el1 = new long[4];
    private final long[] el2 = new long[4];

    private VcpuContext(Cpu cpu) {
        System.arraycopy(cpu.r, 0, x, 0, x.length);
        for (int el = 0; el < sp.length; el++) {
            sp[el] = cpu.spOf(el);
        }
        pc = cpu.pc;
        pstate = cpu.pstate();
        v = cpu.v.clone();
        fpcr = cpu.fpcr;
        fpsr = cpu.fpsr;
        el1[0] = cpu.sys.elrEl1;
        el1[1] = cpu.sys.spsrEl1;
        el1[2] = cpu.sys.esrEl1;
        el1[3] = cpu.sys.farEl1;
        el2[0] = cpu.sys.elrEl2;
        el2[1] = cpu.sys.spsrEl2;
        el2[2] = cpu.sys.esrEl2;
        el2[3] = cpu.sys.farEl2;
    }

    static VcpuContext of(Cpu cpu) {
        return new VcpuContext(cpu);
    }

    void applyTo(Cpu cpu) {
        System.arraycopy(x, 0, cpu.r, 0, x.length);
        cpu.setPstate(pstate);
        for (int el = 0; el < sp.length; el++) {
            cpu.setSpOf(el, sp[el]);
        }
        cpu.pc = pc;
        cpu.nextPc = pc;
        System.arraycopy(v, 0, cpu.v, 0, v.length);
        cpu.fpcr = fpcr;
        cpu.fpsr = fpsr;
        cpu.sys.elrEl1 = el1[0];
        cpu.sys.spsrEl1 = el1[1];
        cpu.sys.esrEl1 = el1[2];
        cpu.sys.farEl1 = el1[3];
        cpu.sys.elrEl2 = el2[0];
        cpu.sys.spsrEl2 = el2[1];
        cpu.sys.esrEl2 = el2[2];
        cpu.sys.farEl2 = el2[3];
        cpu.exclusiveAddress = -1; // as after an exception return: an open exclusive sequence fails and retries
        cpu.updateInterrupts();
    }

    /** The saved PC. */
    public long pc() {
        return pc;
    }

    /** The saved X{@code n} (0..30). */
    public long x(int n) {
        return x[n];
    }
}
