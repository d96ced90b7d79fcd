package dev.armature.accel.tcg;

import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.attribute.StackMapFrameInfo;
import java.lang.classfile.attribute.StackMapFrameInfo.ObjectVerificationTypeInfo;
import java.lang.classfile.attribute.StackMapFrameInfo.SimpleVerificationTypeInfo;
import java.lang.classfile.attribute.StackMapFrameInfo.VerificationTypeInfo;
import java.lang.classfile.attribute.StackMapTableAttribute;
import java.lang.constant.ClassDesc;
import java.util.ArrayList;
import java.util.List;

import static dev.armature.accel.tcg.TbTranslator.CD_CONTEXT;
import static dev.armature.accel.tcg.TbTranslator.CD_CPU;
import static dev.armature.accel.tcg.TbTranslator.CD_SYNC;
import static dev.armature.accel.tcg.TbTranslator.CPU;
import static dev.armature.accel.tcg.TbTranslator.CTX;
import static java.lang.constant.ConstantDescs.CD_long;

/**
 * The locals of a generated {@code exec} (a {@link Tb}'s or a {@link TbRegion}'s) that stand for {@link TbContext}
 * fields while it runs: the instruction count, the budget's limit, the loop statistic (back-edges or region
 * transitions) and, in a region, the running member's start. C2 keeps locals in registers across the translated
 * loop but not fields (it does not promote fields in loops), so a counter field updated at every transition is a
 * load-add-store chain through memory that bounds short loops.
 *
 * <p>They are loaded from the context on entry and written back at every return (the shared exits here, and the
 * exception handler). While a block runs, the context holds the count at the block's start and the block's first
 * PC ({@link TcgExecutor#instructionsNow}'s inputs) before any instruction that might read them: {@link #emitSync}
 * is called before a block's first instruction that is neither plain data processing nor a direct branch (counter
 * reads, WFI, loads and stores that reach devices, exception-generating instructions). Plain stores: nothing in
 * the loop reads them back.
 */
final class ExecLocals {
    private static final int ICOUNT = 3;
    private static final int LIMIT = 5;
    private static final int LOOPS = 7;
    private static final int BLOCK_PC = 9;

    private final CodeBuilder c;
    private final String loopsField;
    private final boolean hasBlockPc;
    /** A TB's start (its running block never changes); unused in a region. */
    private final long tbStart;
    /** Branch targets needing a stack map frame, in code order (all have the full locals and an empty stack). */
    final List<Label> targets = new ArrayList<>();
    private Label exitInvalidated;
    private Label exitProbe;

    private ExecLocals(CodeBuilder c, String loopsField, boolean hasBlockPc, long tbStart) {
        this.c = c;
        this.loopsField = loopsField;
        this.hasBlockPc = hasBlockPc;
        this.tbStart = tbStart;
    }

    /** A TB's {@code exec}, for the block at {@code start}: its loop statistic is the self-loop back-edges. */
    static ExecLocals ofTb(CodeBuilder c, long start) {
        return new ExecLocals(c, "backEdges", false, start);
    }

    /** A region's {@code exec}: its loop statistic is the transitions, and the running member is a local. */
    static ExecLocals ofRegion(CodeBuilder c) {
        return new ExecLocals(c, "regionTransitions", true, 0);
    }

    /** Loads the locals from the context: the method's first instructions. */
    void emitEntry() {
        c.aload(CTX).getfield(CD_CONTEXT, "icount", CD_long).lstore(ICOUNT);
        c.aload(CTX).getfield(CD_CONTEXT, "limit", CD_long).lstore(LIMIT);
        c.aload(CTX).getfield(CD_CONTEXT, loopsField, CD_long).lstore(LOOPS);
        if (hasBlockPc) {
            c.aload(CTX).getfield(CD_CONTEXT, "blockPc", CD_long).lstore(BLOCK_PC);
        }
    }

    /** Makes the context current for a reader inside the block starting at {@code start}. */
    void emitSync(long start) {
        c.aload(CTX).lload(ICOUNT).putfield(CD_CONTEXT, "icount", CD_long);
        if (hasBlockPc) {
            c.aload(CTX).loadConstant(start).putfield(CD_CONTEXT, "blockPc", CD_long);
        }
    }

    /** {@code icount += n}. */
    void emitCount(int n) {
        c.lload(ICOUNT).loadConstant((long) n).ladd().lstore(ICOUNT);
    }

    /** {@code loops++}: one more back-edge or region transition. */
    void emitLoop() {
        c.lload(LOOPS).lconst_1().ladd().lstore(LOOPS);
    }

    /** A region's transition to the member at {@code start}: it is the running block now. */
    void emitMemberStart(long start) {
        c.loadConstant(start).lstore(BLOCK_PC);
    }

    /** Jumps to {@code fail} unless {@code icount + n <= limit}. */
    void emitBudgetCheck(int n, Label fail) {
        c.lload(ICOUNT).loadConstant((long) n).ladd().lload(LIMIT).lcmp().ifgt(fail);
    }

    /** Writes every local that changes back to the context. */
    void emitWriteBack() {
        c.aload(CTX).lload(ICOUNT).putfield(CD_CONTEXT, "icount", CD_long);
        c.aload(CTX).lload(LOOPS).putfield(CD_CONTEXT, loopsField, CD_long);
        if (hasBlockPc) {
            c.aload(CTX).lload(BLOCK_PC).putfield(CD_CONTEXT, "blockPc", CD_long);
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
     * Emits {@code out}, the normal return of a block that ran to its end ({@code cpu.pc = cpu.nextPc}: bodies
     * leave the successor in {@code nextPc} only), and the shared exits that were used, each writing the locals
     * back; after every other branch target, so the frames stay in code order.
     */
    void emitExits(Label out) {
        c.labelBinding(out);
        targets.add(out);
        c.aload(CPU).aload(CPU).getfield(CD_CPU, "nextPc", CD_long).putfield(CD_CPU, "pc", CD_long);
        emitWriteBack();
        c.loadConstant(Tb.EXIT_NORMAL).ireturn();
        if (exitInvalidated != null) {
            emitExit(exitInvalidated, Tb.EXIT_INVALIDATED);
        }
        if (exitProbe != null) {
            emitExit(exitProbe, Tb.EXIT_PROBE);
        }
    }

    private void emitExit(Label at, int result) {
        c.labelBinding(at);
        targets.add(at);
        emitWriteBack();
        c.loadConstant(result).ireturn();
    }

    /**
     * Emits the handler of a {@link SyncException} (the exception on the stack): counts the instructions of the
     * running block up to the faulting one (at {@code cpu.pc}), writes the locals back, takes the exception as the interpreter does and returns {@link Tb#EXIT_EXCEPTION}.
     */
    void emitTakeSync(Label handler) {
        // The exception stays on the stack beneath the count's arithmetic until takeSync's call.
        c.labelBinding(handler);
        c.aload(CPU).getfield(CD_CPU, "pc", CD_long);
        if (hasBlockPc) {
            c.lload(BLOCK_PC);
        } else {
            c.loadConstant(tbStart);
        }
        c.lsub().iconst_2().lushr().lconst_1().ladd().lload(ICOUNT).ladd().lstore(ICOUNT);
        emitWriteBack();
        c.aload(CPU).swap().invokestatic(TbTranslator.CD_EXCEPTIONS, "takeSync", TbTranslator.MTD_TAKE_SYNC);
        c.loadConstant(Tb.EXIT_EXCEPTION).ireturn();
    }

    /**
     * Writes the stack map: every branch target has the full frame (this, cpu, ctx, the longs here; empty stack),
     * the handler the exception on the stack. The generated code's frames are that trivial, so writing them beats
     * computing.
     */
    void emitFrames(ClassDesc self, Label handler) {
        List<VerificationTypeInfo> locals = new ArrayList<>(List.of(ObjectVerificationTypeInfo.of(self),
                ObjectVerificationTypeInfo.of(CD_CPU), ObjectVerificationTypeInfo.of(CD_CONTEXT),
                SimpleVerificationTypeInfo.LONG, SimpleVerificationTypeInfo.LONG, SimpleVerificationTypeInfo.LONG));
        if (hasBlockPc) {
            locals.add(SimpleVerificationTypeInfo.LONG);
        }
        List<StackMapFrameInfo> frames = new ArrayList<>();
        for (Label t : targets) {
            frames.add(StackMapFrameInfo.of(t, locals, List.of()));
        }
        frames.add(StackMapFrameInfo.of(handler, locals, List.of(ObjectVerificationTypeInfo.of(CD_SYNC))));
        c.with(StackMapTableAttribute.of(frames));
    }
}
