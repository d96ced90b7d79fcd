package dev.armature.accel.tcg;

import dev.armature.accel.interp.Interpreter;
import dev.armature.arch.aarch64.Cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs one program under the interpreter (the reference) and the translator, on two Cpu instances over separate
 * copies of memory, and compares architectural state at every translator dispatch boundary (each TB, or each
 * interpreted instruction while code is cold). The translator side runs one block at a time (or, where a block heads
 * a {@link TbRegion}, the region for up to {@code tb-insns} instructions, so region code is checked too); the
 * interpreter then runs the same number of instructions, so both must be at the same place with the same state.
 */
public final class LockstepTester {
    /** The first difference found: where the translator's block started, what it ran, and what differs. */
    public record Divergence(long blockPc, long instructionsBefore, String block, List<String> differences) {
        @Override
        public String toString() {
            return String.format("divergence after %d instructions, in the block at 0x%x:%n%s%n%s",
                    instructionsBefore, blockPc, block, String.join("\n", differences));
        }
    }

    private final Cpu reference;
    private final Interpreter interpreter;
    private final Cpu subject;
    private final TcgExecutor translator;
    private long blocks;
    /** Instructions the reference has completed (its deterministic time, see {@link #referenceInstructions}). */
    private long referenceDone;

    public LockstepTester(Cpu reference, Interpreter interpreter, Cpu subject, TcgExecutor translator) {
        this.reference = reference;
        this.interpreter = interpreter;
        this.subject = subject;
        this.translator = translator;
    }

    /** Dispatch boundaries compared so far. */
    public long blocks() {
        return blocks;
    }

    /** Instructions the reference has completed so far, also while one executes: its icount. */
    public long referenceInstructions() {
        return referenceDone;
    }

    /** The subject's instructions completed so far, also while one executes: its icount. */
    public long subjectInstructions() {
        return translator.instructionsNow(subject);
    }

    /**
     * Runs one dispatch of the translator side (a TB, or one interpreted instruction while the code is cold),
     * then as many instructions of the interpreter side, and compares the two.
     *
     * @return the difference, if any
     */
    public Optional<Divergence> step() {
        long pc = subject.pc;
        long before = translator.instructions();
        Tb tb = translator.step(subject);
        long n = translator.instructions() - before;
        for (long i = 0; i < n; i++) {
            interpreter.step(reference);
            referenceDone++;
        }
        blocks++;
        TbRegion r = translator.steppedRegion();
        return compare(pc, before, tb == null ? "(interpreted)" : r == null ? listing(tb) : listing(r));
    }

    /**
     * Runs until the translator side reaches {@code stopPc} at a block boundary or {@code maxInstructions} have
     * run, comparing after every block.
     *
     * @return the first divergence, if any
     */
    public Optional<Divergence> run(long stopPc, long maxInstructions) {
        Optional<Divergence> d = compare(subject.pc, 0, "(initial state)");
        long start = translator.instructions();
        while (d.isEmpty() && translator.instructions() - start < maxInstructions && subject.pc != stopPc) {
            d = step();
        }
        return d;
    }

    private static String listing(TbRegion r) {
        StringBuilder s = new StringBuilder(r.toString());
        for (Tb tb : r.members) {
            s.append(String.format("%n")).append(listing(tb));
        }
        return s.toString();
    }

    private static String listing(Tb tb) {
        StringBuilder s = new StringBuilder(tb.toString());
        for (int i = 0; i < tb.insns.length; i++) {
            s.append(String.format("%n  0x%x: %s", tb.key.va() + 4L * i, tb.insns[i]));
        }
        return s.toString();
    }

    /** Compares the two sides now (e.g. after both took the same interrupt). */
    public Optional<Divergence> compareNow(String what) {
        return compare(subject.pc, translator.instructions(), what);
    }

    private Optional<Divergence> compare(long blockPc, long before, String block) {
        List<String> diffs = new ArrayList<>();
        Cpu a = reference;
        Cpu b = subject;
        for (int i = 0; i <= 30; i++) {
            diff(diffs, "x" + i, a.r[i], b.r[i]);
        }
        diff(diffs, "sp", a.r[Cpu.SP], b.r[Cpu.SP]);
        diff(diffs, "pc", a.pc, b.pc);
        diff(diffs, "nzcv", a.nzcv(), b.nzcv());
        diff(diffs, "pstate", a.pstate(), b.pstate());
        for (int i = 0; i < a.spBank.length; i++) {
            diff(diffs, "sp_el" + i + " (banked)", a.spBank[i], b.spBank[i]);
        }
        for (int i = 0; i < 32; i++) {
            diff(diffs, "v" + i + ".lo", a.v[2 * i], b.v[2 * i]);
            diff(diffs, "v" + i + ".hi", a.v[2 * i + 1], b.v[2 * i + 1]);
        }
        diff(diffs, "fpcr", a.fpcr, b.fpcr);
        diff(diffs, "fpsr", a.fpsr, b.fpsr);
        diff(diffs, "exclusive address", a.exclusiveAddress, b.exclusiveAddress);
        diff(diffs, "esr_el1", a.sys.esrEl1, b.sys.esrEl1);
        diff(diffs, "far_el1", a.sys.farEl1, b.sys.farEl1);
        diff(diffs, "elr_el1", a.sys.elrEl1, b.sys.elrEl1);
        diff(diffs, "spsr_el1", a.sys.spsrEl1, b.sys.spsrEl1);
        return diffs.isEmpty() ? Optional.empty() : Optional.of(new Divergence(blockPc, before, block, diffs));
    }

    private static void diff(List<String> out, String name, long expected, long actual) {
        if (expected != actual) {
            out.add(String.format("  %-20s interpreter 0x%016x  translator 0x%016x", name, expected, actual));
        }
    }
}
