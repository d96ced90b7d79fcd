package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.GenericTimer;
import dev.armature.arch.aarch64.Insn;
import dev.armature.arch.aarch64.SystemCounter;

/**
 * Hints: NOP, YIELD, WFE, WFI, SEV, SEVL, and every unallocated hint, which the architecture says executes as
 * NOP. WFI and WFE may complete spuriously, which is what makes the bounded waits here correct: WFI parks the
 * thread for at most a millisecond (or until an interrupt or exit request), WFE only spins briefly. Because
 * WFE never sleeps, SEV and SEVL need no event register and are NOPs.
 */
public abstract class Hint extends Insn {
    /** Bounded WFI wait, so that timer deadlines the CPU cannot see yet are still noticed promptly. */
    private static final long WFI_TIMEOUT_NANOS = 1_000_000;
    private static final String[] NAMES = {"nop", "yield", "wfe", "wfi", "sev", "sevl"};

    private final int op;

    private Hint(int op) {
        this.op = op;
    }

    /** @param op CRm:op2 */
    public static Insn create(int op) {
        return switch (op) {
            case 2 -> new Wfe();
            case 3 -> new Wfi();
            default -> new Nop(op);
        };
    }

    @Override
    public String toString() {
        return op < NAMES.length ? NAMES[op] : "hint #" + op;
    }

    static final class Nop extends Hint {
        Nop(int op) {
            super(op);
        }

        @Override
        public void exec(Cpu cpu) {
        }
    }

    static final class Wfi extends Hint {
        Wfi() {
            super(3);
        }

        @Override
        public void exec(Cpu cpu) {
            cpu.sys.checkWfxTrap(false); // SCTLR_EL1.nTWI at EL0, HCR_EL2.TWI
            skipIdleTime(cpu);
            cpu.waitForInterrupt(WFI_TIMEOUT_NANOS);
        }

        /**
         * Deterministic time ({@code -icount}) only moves with instructions, so waiting cannot reach a timer
         * deadline: an idle WFI moves the counter to the earliest one instead (QEMU's icount with sleep=off).
         */
        private static void skipIdleTime(Cpu cpu) {
            GenericTimer timer = cpu.sys.timer;
            SystemCounter counter = timer.counter();
            if (!counter.isDeterministic() || cpu.irqLine || cpu.fiqLine || cpu.exitRequest != 0) {
                return;
            }
            long nanos = timer.nanosUntilNextDeadline();
            if (nanos > 0 && nanos != Long.MAX_VALUE) {
                counter.setCount(counter.count() + nanos / SystemCounter.NANOS_PER_TICK);
                timer.update(); // asserts the timer's interrupt now, so the wait below ends at once
            }
        }

        @Override
        public boolean endsBlock() {
            return true;
        }
    }

    static final class Wfe extends Hint {
        Wfe() {
            super(2);
        }

        @Override
        public void exec(Cpu cpu) {
            cpu.sys.checkWfxTrap(true); // SCTLR_EL1.nTWE at EL0, HCR_EL2.TWE
            Thread.onSpinWait();
        }

        @Override
        public boolean endsBlock() {
            return true;
        }
    }
}
