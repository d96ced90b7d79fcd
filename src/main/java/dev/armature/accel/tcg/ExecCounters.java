package dev.armature.accel.tcg;

import dev.armature.arch.aarch64.Insn;

import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.attribute.StackMapFrameInfo;
import java.lang.classfile.attribute.StackMapFrameInfo.ObjectVerificationTypeInfo;
import java.lang.classfile.attribute.StackMapFrameInfo.SimpleVerificationTypeInfo;
import java.lang.classfile.attribute.StackMapFrameInfo.VerificationTypeInfo;
import java.lang.classfile.attribute.StackMapTableAttribute;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.ArrayList;
import java.util.List;

import static dev.armature.accel.tcg.TbTranslator.CD_CONTEXT;
import static dev.armature.accel.tcg.TbTranslator.CD_CPU;
import static dev.armature.accel.tcg.TbTranslator.CD_SYNC;
import static dev.armature.accel.tcg.TbTranslator.CPU;
import static dev.armature.accel.tcg.TbTranslator.CTX;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;

/**
 * Where a generated {@code exec} (a {@link Tb}'s or a {@link TbRegion}'s) keeps the {@link TbContext} counters while
 * it runs: the instruction count, the budget's limit, the loop statistic (self-loop back-edges or region
 * transitions) and, in a region, the running member's start; and the returns, which leave them in the context.
 *
 * <p>If few of the method's instructions {@link TbTranslator#mayCallOut} ({@link #countInLocals}: none, or at most
 * one in {@link #SPARSE_CALL_OUTS}), they are locals: the limit (at most {@link #RUN_SLICE} instructions from the
 * count on entry), the loop statistic and the count, kept as the instructions the run may still execute; loaded
 * from the context on entry, written back at every return (the shared exits here and the exception handler), and
 * the count and the running member's start are written before each instruction that may call out, which may read
 * them ({@link TcgExecutor#instructionsNow}: counter reads under {@code -icount}, WFI, device accesses). Nothing
 * else outside the method looks at the context while it runs (nothing writes it), and C2 keeps locals in
 * registers across the loop but not fields (it does not promote fields in loops), so a field updated at every
 * transition was a load-add-store chain through memory that bounded short loops.
 *
 * <p>Otherwise the generated code uses the context's fields directly, updating them at every block's end and
 * transition, and checks exit requests and validity at its jump backs too (no run slice): the memory paths use
 * most registers, so C2 spilled locals to the stack and shuffled them at every block (the load/store loop of
 * {@code bench/run micro} fell from about 1020 to 810 MIPS with all counters in locals, the sieve kernel by 10%
 * with only the limit and the loop statistic).
 */
final class ExecCounters {
    private static final int LIMIT = 3;
    private static final int LOOPS = 5;
    /** With the count in locals: {@code limit - icount}, the instructions the run may still execute. */
    private static final int REMAINING = 7;
    /** With the count in locals: the first of the guest registers' locals ({@link LocalRegisters}), if any. */
    private static final int REGISTERS = 9;
    /**
     * The most instructions one run of a generated method with its count in locals executes: its limit is at most
     * this far from the count on entry. Its loops check exit requests and validity (volatile reads, after which C2
     * reloads what it held in registers, such as the guest register array) only after blocks that may call out,
     * where this vCPU may have raised the one or cleared the other itself; for everything else the dispatcher,
     * which checks both between runs, sees them within this many instructions (about ten microseconds).
     */
    static final long RUN_SLICE = 1 << 14;
    /**
     * Code keeps its count in locals if at most one instruction in this many may call out: then the count is
     * written to the context before each such instruction (two stores) instead of at every block's end and
     * transition. Denser memory code keeps it in the context: there the memory paths use most registers, and
     * locals were spilled and moved at every block.
     */
    static final int SPARSE_CALL_OUTS = 8;

    private static final ClassDesc CD_MATH = Math.class.describeConstable().orElseThrow();
    private static final MethodTypeDesc MTD_MIN = MethodTypeDesc.of(CD_long, CD_long, CD_long);
    private static final MethodTypeDesc MTD_MAX_INT = MethodTypeDesc.of(CD_int, CD_int, CD_int);

    private final CodeBuilder c;
    private final String loopsField;
    private final boolean region;
    /** A TB's start (its running block never changes); unused in a region. */
    private final long tbStart;
    private final boolean inLocals;
    /** The guest registers' locals if the count is a local, else null. */
    private final LocalRegisters registers;
    /** Branch targets needing a stack map frame, in code order (all have the full locals and an empty stack). */
    final List<Label> targets = new ArrayList<>();
    private Label exitInvalidated;
    private Label exitProbe;
    private Label exitUnmapped;

    private ExecCounters(CodeBuilder c, String loopsField, boolean region, long tbStart, boolean inLocals,
            Insn[] insns) {
        this.c = c;
        this.loopsField = loopsField;
        this.region = region;
        this.tbStart = tbStart;
        this.inLocals = inLocals;
        this.registers = inLocals ? LocalRegisters.of(c, REGISTERS, insns) : null;
    }

    /**
     * A TB's {@code exec}, for the block of these instructions at {@code start}: its loop statistic is the
     * self-loop back-edges; the count is a local if {@link #countInLocals(int[], Insn[])} and no probe is called.
     */
    static ExecCounters ofTb(CodeBuilder c, long start, int[] words, Insn[] insns, boolean probed) {
        return new ExecCounters(c, "backEdges", false, start, !probed && countInLocals(words, insns), insns);
    }

    /** A region's {@code exec}, of all its members' instructions: its loop statistic is the transitions. */
    static ExecCounters ofRegion(CodeBuilder c, int[] words, Insn[] insns) {
        return new ExecCounters(c, "regionTransitions", true, 0, countInLocals(words, insns), insns);
    }

    /**
     * Whether this code keeps its count in locals ({@link #countInLocals(int[], Insn[])}). Only such code has its
     * blocks' branches decided by the generated code ({@link TbTranslator#decidedBranch}): in denser memory code,
     * where most registers are taken, the extra paths out made C2 spill more (matrix about 15% slower).
     */
    boolean countInLocals() {
        return inLocals;
    }

    /**
     * The guest registers that data-processing instructions and branches use, as locals ({@link LocalRegisters})
     * if the count is a local, else null: all instructions run on {@code cpu.r}.
     */
    LocalRegisters registers() {
        return registers;
    }

    /**
     * Whether code of these instructions keeps the count in locals: if at most one in {@link #SPARSE_CALL_OUTS}
     * {@link TbTranslator#mayCallOut}.
     */
    static boolean countInLocals(int[] words, Insn[] insns) {
        int callOuts = 0;
        for (int i = 0; i < insns.length; i++) {
            if (TbTranslator.mayCallOut(words[i], insns[i])) {
                callOuts++;
            }
        }
        return callOuts * SPARSE_CALL_OUTS <= insns.length;
    }

    /**
     * Writes the count (and a region's running member) to the context before an instruction that {@link
     * TbTranslator#mayCallOut}, if they are locals, so that {@link TcgExecutor#instructionsNow} is exact there.
     */
    void emitBeforeCallOut(long blockStart) {
        if (inLocals) {
            emitIcountWriteBack();
            emitLeaving(blockStart);
        }
    }

    /**
     * Makes {@code ctx.blockPc} the start of the running member, {@code blockStart}, where a region that keeps its
     * count in locals may leave (a return or an exit to the dispatcher's side) and before its instructions that
     * may call out: that is the only place it is written then, so it costs nothing at transitions. Nothing for a
     * TB (the dispatcher set it) or the fields (updated at every transition).
     */
    void emitLeaving(long blockStart) {
        if (inLocals && region) {
            c.aload(CTX).loadConstant(blockStart).putfield(CD_CONTEXT, "blockPc", CD_long);
        }
    }

    private void emitIcountWriteBack() {
        c.aload(CTX).lload(LIMIT).lload(REMAINING).lsub().putfield(CD_CONTEXT, "icount", CD_long);
    }

    /** The method's first instructions: loads the locals. */
    void emitEntry() {
        if (inLocals) {
            c.aload(CTX).getfield(CD_CONTEXT, "limit", CD_long).aload(CTX).getfield(CD_CONTEXT, "icount", CD_long)
                    .loadConstant(RUN_SLICE).ladd().invokestatic(CD_MATH, "min", MTD_MIN).lstore(LIMIT);
            c.aload(CTX).getfield(CD_CONTEXT, loopsField, CD_long).lstore(LOOPS);
            c.lload(LIMIT).aload(CTX).getfield(CD_CONTEXT, "icount", CD_long).lsub().lstore(REMAINING);
            c.iconst_0().istore(passesSlot());
        }
        if (registers != null) {
            registers.emitEntry();
        }
    }

    /** {@code icount += n}. */
    void emitCount(int n) {
        if (inLocals) {
            c.lload(REMAINING).loadConstant((long) n).lsub().lstore(REMAINING);
        } else {
            c.aload(CTX).dup().getfield(CD_CONTEXT, "icount", CD_long).loadConstant((long) n).ladd()
                    .putfield(CD_CONTEXT, "icount", CD_long);
        }
    }

    /** The int local of {@link #emitCountedLoopEntry}, after the guest registers' locals. */
    private int passesSlot() {
        return REGISTERS + registers.slots();
    }

    /**
     * Starts a counted self-loop (code with its count in locals only): a block of {@code n} data-processing
     * instructions and a direct branch back to its start, none of which calls out or throws, so nothing outside
     * the method can look at the count while it loops. Instead of {@code remaining -= n} and a budget check on
     * every pass, the loop counts the passes the budget allows down in an {@code int} local, {@code passes =
     * max(1, remaining / n)} (the first pass is always allowed, as on the block's entry; then another only if it
     * fits), and {@link #emitCountedLoopExit} settles the count once it leaves. The self-loop of crc's inner loop
     * carried the count and the loop statistic through stack slots on every pass, where C2 had spilled them; a
     * counted {@code int} loop has one induction variable, and C2 drops its safepoint poll too. NZCV are locals
     * from here on ({@link LocalRegisters#emitFlagsIntoLocals}).
     */
    void emitCountedLoopEntry(int n) {
        emitPassBound(n);
        c.istore(passesSlot());
        registers.emitFlagsIntoLocals();
    }

    /** Pushes {@code max(1, remaining / n)}: the passes of {@code n} instructions the budget allows. */
    private void emitPassBound(int n) {
        c.lload(REMAINING).loadConstant((long) n).ldiv().l2i().iconst_1().invokestatic(CD_MATH, "max", MTD_MAX_INT);
    }

    /** The start of each pass of a counted self-loop: {@code passes--}. */
    void emitCountedPass() {
        c.iinc(passesSlot(), -1);
    }

    /** The jump back of a counted self-loop: {@code if (passes > 0) goto top}. */
    void emitCountedBackEdge(Label top) {
        c.iload(passesSlot()).ifgt(top);
    }

    /**
     * Leaving a counted self-loop of {@code n} instructions, after its branch: {@code k = max(1, remaining / n) -
     * passes} passes ran ({@code remaining} is still the value on the loop's entry); {@code remaining -= k * n;
     * loops += k - 1} (the passes after the first came by back-edges); NZCV are stored to the vCPU.
     */
    void emitCountedLoopExit(int n) {
        int passes = passesSlot();
        emitPassBound(n);
        c.iload(passes).isub().istore(passes);
        c.lload(REMAINING).iload(passes).i2l().loadConstant((long) n).lmul().lsub().lstore(REMAINING);
        c.lload(LOOPS).iload(passes).i2l().ladd().lconst_1().lsub().lstore(LOOPS);
        registers.emitFlagsStore();
    }

    /** {@code loops++}: one more back-edge or region transition. */
    void emitLoop() {
        if (inLocals) {
            c.lload(LOOPS).lconst_1().ladd().lstore(LOOPS);
        } else {
            c.aload(CTX).dup().getfield(CD_CONTEXT, loopsField, CD_long).lconst_1().ladd()
                    .putfield(CD_CONTEXT, loopsField, CD_long);
        }
    }

    /**
     * A region's transition to the member at {@code start}: it is the running block now (in the context's field;
     * with the count in locals, {@link #emitLeaving} writes it where it is needed instead).
     */
    void emitMemberStart(long start) {
        if (!inLocals) {
            c.aload(CTX).loadConstant(start).putfield(CD_CONTEXT, "blockPc", CD_long);
        }
    }

    /** Jumps to {@code fail} unless {@code icount + n <= limit}. */
    void emitBudgetCheck(int n, Label fail) {
        if (inLocals) {
            c.lload(REMAINING).loadConstant((long) n).lcmp().iflt(fail);
        } else {
            c.aload(CTX).getfield(CD_CONTEXT, "icount", CD_long).loadConstant((long) n).ladd();
            c.aload(CTX).getfield(CD_CONTEXT, "limit", CD_long).lcmp().ifgt(fail);
        }
    }

    /** Writes every local that changes back to the context, and the guest registers' to the vCPU. */
    private void emitWriteBack() {
        emitCountersWriteBack();
        if (registers != null) {
            registers.emitWriteBack();
        }
    }

    private void emitCountersWriteBack() {
        if (inLocals) {
            c.aload(CTX).lload(LOOPS).putfield(CD_CONTEXT, loopsField, CD_long);
            emitIcountWriteBack();
        }
    }

    /** Label of the shared return of {@link Tb#EXIT_INVALIDATED}; jump there with the count and cpu.pc set. */
    Label exitInvalidated() {
        if (exitInvalidated == null) {
            exitInvalidated = c.newLabel();
        }
        return exitInvalidated;
    }

    /** Label of the shared return of {@link Tb#EXIT_PROBE}. */
    Label exitProbe() {
        if (exitProbe == null) {
            exitProbe = c.newLabel();
        }
        return exitProbe;
    }

    /**
     * Label of the shared return of {@link Tb#EXIT_UNMAPPED}, from a region's transition to a member whose page is
     * mapped elsewhere now: {@code cpu.nextPc} is that member's start.
     */
    Label exitUnmapped() {
        if (exitUnmapped == null) {
            exitUnmapped = c.newLabel();
        }
        return exitUnmapped;
    }

    /**
     * Emits {@code out}, the normal return of a block that ran to its end ({@code cpu.pc = cpu.nextPc}: bodies
     * leave the successor in {@code nextPc} only), and the shared exits that were used, each writing the locals
     * back; after every other branch target, so the frames stay in code order.
     */
    void emitExits(Label out) {
        emitEndOfBlockExit(out, Tb.EXIT_NORMAL);
        if (exitUnmapped != null) {
            emitEndOfBlockExit(exitUnmapped, Tb.EXIT_UNMAPPED);
        }
        if (exitInvalidated != null) {
            emitExit(exitInvalidated, Tb.EXIT_INVALIDATED);
        }
        if (exitProbe != null) {
            emitExit(exitProbe, Tb.EXIT_PROBE);
        }
    }

    private void emitEndOfBlockExit(Label at, int result) {
        c.labelBinding(at);
        targets.add(at);
        c.aload(CPU).aload(CPU).getfield(CD_CPU, "nextPc", CD_long).putfield(CD_CPU, "pc", CD_long);
        emitWriteBack();
        c.loadConstant(result).ireturn();
    }

    private void emitExit(Label at, int result) {
        c.labelBinding(at);
        targets.add(at);
        emitWriteBack();
        c.loadConstant(result).ireturn();
    }

    /**
     * Emits the handler of a {@link dev.armature.arch.aarch64.SyncException} (the exception on the stack): counts the instructions of the
     * running block up to the faulting one (at {@code cpu.pc}), writes the locals back, takes the exception as the
     * interpreter does and returns {@link Tb#EXIT_EXCEPTION}.
     */
    void emitTakeSync(Label handler) {
        // The exception stays on the stack beneath the count's arithmetic until takeSync's call.
        c.labelBinding(handler);
        if (!inLocals) {
            c.aload(CTX).dup().getfield(CD_CONTEXT, "icount", CD_long);
        }
        c.aload(CPU).getfield(CD_CPU, "pc", CD_long);
        if (!region) {
            c.loadConstant(tbStart);
        } else {
            c.aload(CTX).getfield(CD_CONTEXT, "blockPc", CD_long); // written before each instruction that may throw
        }
        c.lsub().iconst_2().lushr().lconst_1().ladd();
        if (inLocals) {
            c.lneg().lload(REMAINING).ladd().lstore(REMAINING);
        } else {
            c.ladd().putfield(CD_CONTEXT, "icount", CD_long);
        }
        emitCountersWriteBack();
        c.aload(CPU).swap().invokestatic(TbTranslator.CD_EXCEPTIONS, "takeSync", TbTranslator.MTD_TAKE_SYNC);
        c.loadConstant(Tb.EXIT_EXCEPTION).ireturn();
    }

    /**
     * Writes the stack map: every branch target has the full frame (this, cpu, ctx, the locals here; empty stack),
     * the handler the exception on the stack. The generated code's frames are that trivial, so writing them beats
     * computing.
     */
    void emitFrames(ClassDesc self, Label handler) {
        List<VerificationTypeInfo> locals = new ArrayList<>(List.of(ObjectVerificationTypeInfo.of(self),
                ObjectVerificationTypeInfo.of(CD_CPU), ObjectVerificationTypeInfo.of(CD_CONTEXT)));
        int longs = inLocals ? 3 : 0;
        for (int i = 0; i < longs; i++) {
            locals.add(SimpleVerificationTypeInfo.LONG);
        }
        if (inLocals) {
            registers.addFrameTypes(locals);
            locals.add(SimpleVerificationTypeInfo.INTEGER); // the passes of counted self-loops
        }
        List<StackMapFrameInfo> frames = new ArrayList<>();
        for (Label t : targets) {
            frames.add(StackMapFrameInfo.of(t, locals, List.of()));
        }
        frames.add(StackMapFrameInfo.of(handler, locals, List.of(ObjectVerificationTypeInfo.of(CD_SYNC))));
        c.with(StackMapTableAttribute.of(frames));
    }
}
