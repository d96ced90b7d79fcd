package dev.armature.machine;

import dev.armature.accel.CpuExecutor;
import dev.armature.accel.interp.Interpreter;
import dev.armature.accel.tcg.LockstepTester;
import dev.armature.accel.tcg.TcgExecutor;
import dev.armature.arch.aarch64.Cpu;
import dev.armature.memory.BusMaster;

import java.io.PrintStream;
import java.util.Optional;

/**
 * {@code -lockstep}: the guest runs on two machines built alike, the translator driving one (the subject, whose
 * console the user sees) and the interpreter the other (the reference, whose output is dropped), all on this one
 * thread. After every dispatch of the translator on a vCPU (a TB, or an interpreted instruction while code is
 * cold) the reference's vCPU runs as many instructions and the architectural state of both is compared
 * ({@link LockstepTester}).
 *
 * <p>Determinism: the vCPUs that are on take turns of one dispatch each, in index order, on both machines alike;
 * each machine's counter counts its own guest instructions ({@code -icount}); timers are updated and pending
 * interrupts taken at the same boundaries on both. So timer interrupts, IPIs and PSCI calls happen at the same
 * instruction on both sides, and a difference can only come from the executors.
 */
final class LockstepRun {
    /** One vCPU on both machines. */
    private static final class Pair {
        final Cpu subject;
        final Cpu reference;
        final LockstepTester tester;

        Pair(Cpu subject, Cpu reference, LockstepTester tester) {
            this.subject = subject;
            this.reference = reference;
            this.tester = tester;
        }
    }

    private final Machine subject;
    private final Machine reference;
    private final Pair[] pairs;
    /** Instructions of the vCPU incarnations that were powered off (each power-on makes new Cpus). */
    private long subjectRetired;
    private long referenceRetired;
    private long blocks;

    private LockstepRun(Machine subject, Machine reference) {
        this.subject = subject;
        this.reference = reference;
        this.pairs = new Pair[subject.cpuCount()];
    }

    /**
     * Runs until the subject's guest ends the run (its exit status is returned) or the two sides differ (the
     * divergence is printed to {@code err} and 2 returned).
     */
    static int run(Machine subject, Machine reference, int shift, PrintStream err) {
        return new LockstepRun(subject, reference).run(shift, err);
    }

    private int run(int shift, PrintStream err) {
        subject.bootWithoutThreads();
        reference.bootWithoutThreads();
        subject.cpu(0).sys.timer.counter().setDeterministic(this::subjectInstructions, 1L << shift);
        reference.cpu(0).sys.timer.counter().setDeterministic(this::referenceInstructions, 1L << shift);
        Optional<LockstepTester.Divergence> d = Optional.empty();
        boolean anyOn = true;
        while (d.isEmpty() && subject.exitStatus() == null && anyOn) {
            anyOn = false;
            for (int i = 0; i < pairs.length && d.isEmpty(); i++) {
                Pair p = pair(i);
                if (p != null) {
                    anyOn = true;
                    d = turn(i, p);
                }
            }
        }
        subject.logAcceleratorReport();
        if (d.isPresent()) {
            err.println("armature: lockstep: translator and interpreter differ, " + d.get());
            err.println("armature: lockstep: divergence after " + d.get().instructionsBefore() + " instructions of "
                    + "that vCPU, " + blocks + " blocks compared");
            return 2;
        }
        err.printf("armature: lockstep: no divergence in %d instructions (%d blocks compared)%n",
                subjectInstructions(), blocks);
        Integer status = subject.exitStatus();
        return status != null ? status : 0;
    }

    /** vCPU {@code i}'s pair if it is on in both machines (made anew after a power-on), else null. */
    private Pair pair(int i) {
        Pair p = pairs[i];
        if (!subject.isOn(i) || !reference.isOn(i)) {
            if (p != null) {
                retire(p);
                pairs[i] = null;
            }
            return null;
        }
        Cpu s = subject.cpu(i);
        Cpu r = reference.cpu(i);
        if (p != null && p.subject == s && p.reference == r) {
            return p;
        }
        if (p != null) {
            retire(p);
        }
        CpuExecutor executor = subject.newExecutor();
        if (!(executor instanceof TcgExecutor translator)) {
            throw new IllegalArgumentException("lockstep checks the translator: it needs -accel tcg");
        }
        p = new Pair(s, r, new LockstepTester(r, new Interpreter(reference.decodeCache()), s, translator));
        pairs[i] = p;
        return p;
    }

    private void retire(Pair p) {
        subjectRetired += p.tester.subjectInstructions();
        referenceRetired += p.tester.referenceInstructions();
    }

    /** One dispatch of vCPU {@code i} on both sides, after taking what is pending on both. */
    private Optional<LockstepTester.Divergence> turn(int i, Pair p) {
        BusMaster.set(i); // banked device registers (the GIC's) see which vCPU accesses them
        if (p.subject.exitRequest != 0 || p.reference.exitRequest != 0) {
            boolean stopped = Interpreter.serviceExitRequest(p.subject);
            stopped |= Interpreter.serviceExitRequest(p.reference);
            if (stopped) {
                return Optional.empty(); // powered off (PSCI) or the machine stops: seen at the next turn
            }
            Optional<LockstepTester.Divergence> d = p.tester.compareNow("(after taking pending interrupts)");
            if (d.isPresent()) {
                return d;
            }
        }
        Optional<LockstepTester.Divergence> d = p.tester.step();
        blocks++;
        p.subject.sys.timer.update();
        p.reference.sys.timer.update();
        return d;
    }

    private long subjectInstructions() {
        long n = subjectRetired;
        for (Pair p : pairs) {
            n += p == null ? 0 : p.tester.subjectInstructions();
        }
        return n;
    }

    private long referenceInstructions() {
        long n = referenceRetired;
        for (Pair p : pairs) {
            n += p == null ? 0 : p.tester.referenceInstructions();
        }
        return n;
    }
}
