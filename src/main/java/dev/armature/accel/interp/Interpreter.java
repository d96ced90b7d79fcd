package dev.armature.accel.interp;

import dev.armature.accel.CpuExecutor;
import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.DecodeCache;
import dev.armature.arch.aarch64.Esr;
import dev.armature.arch.aarch64.Exceptions;
import dev.armature.arch.aarch64.Insn;
import dev.armature.arch.aarch64.SyncException;

/**
 * The reference executor: fetch, decode (through the shared decode cache), execute, one instruction at a time.
 * Interrupts are taken at instruction boundaries when the CPU's exit request says one may be deliverable.
 */
public final class Interpreter implements CpuExecutor {
    private final DecodeCache decodeCache;
    private long instructions;

    public Interpreter(DecodeCache decodeCache) {
        this.decodeCache = decodeCache;
    }

    @Override
    public long instructions() {
        return instructions;
    }

    /** Runs until an exit is requested with {@link Cpu#EXIT_STOP} or exactly {@code budget} instructions have run. */
    @Override
    public boolean run(Cpu cpu, long budget) {
        long n = 0;
        cpu.executing = true;
        cpu.memory.serviceFlushRequests(); // after 'executing' is visible: see CpuMemory's shootdown protocol
        try {
            while (n < budget) {
                if (cpu.exitRequest != 0 && serviceExitRequest(cpu)) {
                    return true;
                }
                step(cpu);
                n++;
            }
            return false;
        } finally {
            cpu.executing = false;
            instructions += n;
        }
    }

    /**
     * Executes one instruction (or takes the exception it raises).
     *
     * @return the instruction executed, or null if it raised an exception (now taken)
     */
    public Insn step(Cpu cpu) {
        long pc = cpu.pc;
        try {
            if ((pc & 3) != 0) {
                throw new SyncException(Esr.EC_PC_ALIGN, 0, pc, true, pc);
            }
            Insn insn = decodeCache.get(cpu.memory.fetch(pc));
            Exceptions.checkIllegalState(cpu); // ranks below PC alignment and instruction aborts
            cpu.nextPc = pc + 4;
            insn.exec(cpu);
            cpu.pc = cpu.nextPc;
            return insn;
        } catch (SyncException e) {
            Exceptions.takeSync(cpu, e);
            return null;
        }
    }

    /**
     * Consumes the exit request at an instruction boundary: takes a deliverable interrupt. Shared by every
     * executor so that interrupts are taken the same way.
     *
     * @return true if the loop must return to its caller
     */
    public static boolean serviceExitRequest(Cpu cpu) {
        int why = cpu.takeExitRequest();
        if ((why & Cpu.EXIT_TLB_FLUSH) != 0) {
            cpu.memory.serviceFlushRequests();
        }
        if ((why & Cpu.EXIT_INTERRUPT) != 0) {
            if (cpu.fiqLine && (cpu.daif & 0x40) == 0) {
                Exceptions.takeAsync(cpu, Exceptions.VECTOR_FIQ, cpu.pc);
            } else if (cpu.irqLine && (cpu.daif & 0x80) == 0) {
                Exceptions.takeAsync(cpu, Exceptions.VECTOR_IRQ, cpu.pc);
            }
        }
        if ((why & Cpu.EXIT_STOP) != 0) {
            cpu.requestExit(Cpu.EXIT_STOP); // keep it visible to the vCPU thread's owner
            return true;
        }
        return false;
    }
}
