package dev.armature.accel.tcg;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.DataProcessingInsn;
import dev.armature.arch.aarch64.DirectBranch;
import dev.armature.arch.aarch64.Exceptions;
import dev.armature.arch.aarch64.Insn;
import dev.armature.arch.aarch64.SyncException;
import dev.armature.arch.aarch64.Undefined;

import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.DynamicConstantDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;

import static java.lang.constant.ConstantDescs.CD_boolean;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_void;

/**
 * Turns a run of decoded instructions into a {@link Tb}: a hidden class whose {@code exec} does what the
 * interpreter loop does around each instruction (set {@code cpu.pc}/{@code cpu.nextPc}, call the instruction's
 * {@code exec}, advance) with the instructions as constants, so HotSpot inlines each one's semantics into the
 * block. The semantics stay in the {@link Insn} classes: the generated code never re-implements an instruction.
 *
 * <p>Generated shape, for a block of n instructions starting at {@code start} whose last instruction is a
 * {@link DirectBranch} (other blocks run all their instructions and compare {@code cpu.nextPc} with
 * {@code start}); the count is a local, kept as the instructions still allowed, if few instructions {@link
 * #mayCallOut}, else the context's field ({@link ExecCounters}); in the first case so are the guest registers that
 * data-processing instructions and branches use ({@link LocalRegisters}: x1, x2, ... below; else all instructions
 * run on {@code cpu.r}):
 * <pre>
 * int exec(Cpu cpu, TbContext ctx) {
 *   long limit = min(ctx.limit, ctx.icount + RUN_SLICE), backEdges = ctx.backEdges, remaining = limit - ctx.icount;
 *   long x1 = cpu.r[1], x2 = cpu.r[2], ...;
 *   try {
 *     top:
 *     x1 = I0.compute(cpu, x1, x2, 0);                // a data-processing instruction on the locals
 *     cpu.pc = start + 4; cpu.nextPc = start + 8;     // pc stores only where needed
 *     cpu.r[1] = x1; ...; I1.exec(cpu); x1 = cpu.r[1]; ...   // any other instruction on cpu.r
 *     if (!this.valid) { ...; goto invalidated; }     // only after load/store-class instructions
 *     ...
 *   } catch (SyncException e) {                         // precise: cpu.pc is the faulting instruction
 *     remaining -= (cpu.pc - start) / 4 + 1; (write back); Exceptions.takeSync(cpu, e); return EXIT_EXCEPTION;
 *   }
 *   remaining -= n;
 *   if (Ilast.taken(cpu, x3)) {                         // the branch's own condition (on its register)
 *     if (target == start &amp;&amp; (no instruction may call out || cpu.exitRequest == 0 &amp;&amp; valid)
 *         &amp;&amp; remaining &gt;= n) {                  // the budget is exact: another pass must fit
 *       backEdges++; goto top;                          // a self-loop stays in one compiled method
 *     }                                               // (counted if it is data processing alone, below)
 *     cpu.nextPc = target; goto out;
 *   }
 *   cpu.nextPc = start + 4 * n;
 *   out: cpu.pc = cpu.nextPc; ctx.icount = limit - remaining; ctx.backEdges = backEdges; cpu.r[1] = x1; ...;
 *   return EXIT_NORMAL;                                 // every return writes locals back
 * }
 * </pre>
 * A self-loop of data processing alone ({@link #isCountedSelfLoop}) counts its passes instead, as the budget allows
 * them on entry, and keeps NZCV in locals ({@link ExecCounters#emitCountedLoopEntry}).
 * The instructions are the hidden class's class data, loaded with {@code ldc} of a dynamic constant bootstrapped
 * by {@link MethodHandles#classDataAt}, which the JIT treats as a constant. Classes are not strongly linked to
 * their loader, so an invalidated or flushed TB's class is unloaded once unreachable.
 */
final class TbTranslator {
    static final ClassDesc CD_TB = Tb.class.describeConstable().orElseThrow();
    private static final ClassDesc CD_TB_KEY = TbKey.class.describeConstable().orElseThrow();
    static final ClassDesc CD_CONTEXT = TbContext.class.describeConstable().orElseThrow();
    static final ClassDesc CD_CPU = Cpu.class.describeConstable().orElseThrow();
    static final ClassDesc CD_INSN = Insn.class.describeConstable().orElseThrow();
    static final ClassDesc CD_SYNC = SyncException.class.describeConstable().orElseThrow();
    static final ClassDesc CD_EXCEPTIONS = Exceptions.class.describeConstable().orElseThrow();
    private static final MethodTypeDesc MTD_INIT =
            MethodTypeDesc.of(CD_void, CD_TB_KEY, CD_INSN.arrayType(), CD_int.arrayType(), CD_boolean, CD_int);
    private static final MethodTypeDesc MTD_EXEC = MethodTypeDesc.of(CD_int, CD_CPU, CD_CONTEXT);
    private static final MethodTypeDesc MTD_INSN_EXEC = MethodTypeDesc.of(CD_void, CD_CPU);
    static final MethodTypeDesc MTD_TAKE_SYNC = MethodTypeDesc.of(CD_void, CD_CPU, CD_SYNC);
    private static final MethodType MT_INIT =
            MethodType.methodType(void.class, TbKey.class, Insn[].class, int[].class, boolean.class, int.class);

    /** The generated {@code exec}'s argument slots; {@link ExecCounters} has the locals after them. */
    static final int CPU = 1;
    static final int CTX = 2;

    private final MethodHandles.Lookup lookup = MethodHandles.lookup();
    /** The generated code's frames are trivial, so they are written directly ({@link #emitFrames}). */
    private final ClassFile classFile = ClassFile.of(ClassFile.StackMapsOption.DROP_STACK_MAPS);

    /**
     * Generates and loads the TB.
     *
     * @param words      the instruction words, for choosing where stores need an invalidation check
     * @param staticExit whether the last instruction's successor PCs are fixed (see {@link Tb#staticExit})
     * @param probes     where to call the vCPU's probe ({@link ProbeEmitter}), or null
     */
    Tb translate(TbKey key, Insn[] insns, int[] words, boolean staticExit, ProbeEmitter.Plan probes) {
        ClassDesc self = ClassDesc.of(String.format("dev.armature.accel.tcg.TB_%x", key.va()));
        byte[] bytes = classFile.build(self, cb -> {
            cb.withFlags(ClassFile.ACC_FINAL | ClassFile.ACC_SYNTHETIC);
            cb.withSuperclass(CD_TB);
            cb.withMethodBody(ConstantDescs.INIT_NAME, MTD_INIT, ClassFile.ACC_PUBLIC, c -> c
                    .aload(0).aload(1).aload(2).aload(3).iload(4).iload(5)
                    .invokespecial(CD_TB, ConstantDescs.INIT_NAME, MTD_INIT)
                    .return_());
            cb.withMethodBody("exec", MTD_EXEC, ClassFile.ACC_FINAL,
                    c -> emitExec(c, self, key.va(), insns, words, staticExit, probes));
        });
        try {
            MethodHandles.Lookup hidden = lookup.defineHiddenClassWithClassData(bytes, List.of(insns), false);
            MethodHandle ctor = hidden.findConstructor(hidden.lookupClass(), MT_INIT);
            return (Tb) ctor.invoke(key, insns, words, staticExit, bytes.length);
        } catch (Throwable t) {
            throw new IllegalStateException("cannot load translation of " + key, t);
        }
    }

    private static void emitExec(CodeBuilder c, ClassDesc self, long start, Insn[] insns, int[] words,
            boolean staticExit, ProbeEmitter.Plan probes) {
        int n = insns.length;
        boolean callsOut = probes != null || mayCallOut(words, insns);
        ExecCounters counters = ExecCounters.ofTb(c, start, words, insns, probes != null);
        c.nop(); // keeps the loop head's frame off offset 0, which the implicit initial frame occupies
        counters.emitEntry();
        DirectBranch branch = counters.countInLocals() ? decidedBranch(insns) : null;
        boolean counted = branch != null && isCountedSelfLoop(start, insns, words);
        if (counted) {
            counters.emitCountedLoopEntry(n);
        }
        Label top = c.newBoundLabel();
        counters.targets.add(top);
        if (counted) {
            counters.emitCountedPass();
        }
        emitBody(c, counters, CD_TB, start, insns, words, 0, probes, branch != null);
        if (!counted) {
            counters.emitCount(n);
        }
        Label tryEnd = c.newBoundLabel();
        Label out = c.newLabel();
        if (branch != null) {
            Label notTaken = c.newLabel();
            long[] next = emitBranch(c, counters, branch, words[n - 1], start + 4L * (n - 1), n - 1, notTaken);
            counters.registers().endFlagsInLocals();
            for (int k = 0; k < next.length; k++) {
                if (k == 1) {
                    c.labelBinding(notTaken);
                    counters.targets.add(notTaken);
                }
                if (counted) {
                    if (next[k] == start) {
                        counters.emitCountedBackEdge(top); // else no pass is left: leave for this start
                    }
                    counters.emitCountedLoopExit(n);
                } else if (next[k] == start) {
                    Label leave = c.newLabel();
                    emitSelfLoop(c, counters, callsOut, n, top, leave);
                    c.labelBinding(leave);
                    counters.targets.add(leave);
                }
                emitLeave(c, counters, start, next[k], out);
            }
        } else if (staticExit) {
            c.aload(CPU).getfield(CD_CPU, "nextPc", CD_long).loadConstant(start).lcmp().ifne(out);
            emitSelfLoop(c, counters, callsOut, n, top, out);
        }
        counters.emitExits(out);

        Label handler = c.newLabel();
        counters.emitTakeSync(handler);
        c.exceptionCatch(top, tryEnd, handler, CD_SYNC);
        counters.emitFrames(self, handler);
    }

    /**
     * True if the block of these instructions at {@code start} ends in a {@link #decidedBranch} that loops to
     * {@code start}, and runs on the locals alone: all its other instructions are data processing, which neither
     * calls out nor throws. Its self-loop (a TB's, or a region member's) is then counted ({@link
     * ExecCounters#emitCountedLoopEntry}): the count is settled when it leaves, and NZCV are locals inside it
     * ({@link LocalRegisters#emitFlagsIntoLocals}).
     */
    static boolean isCountedSelfLoop(long start, Insn[] insns, int[] words) {
        long last = start + 4L * (insns.length - 1);
        if (!(decidedBranch(insns) instanceof DirectBranch branch) || last + branch.offset() != start) {
            return false;
        }
        for (int i = 0; i < insns.length - 1; i++) {
            if (!(insns[i] instanceof DataProcessingInsn) || mayCallOut(words[i], insns[i])) {
                return false;
            }
        }
        return true;
    }

    /**
     * The jump back of a block of {@code n} instructions to its own start {@code top}, or to {@code leave} when
     * an exit request, invalidation or the budget says stop. The first two are checked only if the block may call
     * out: otherwise nothing in the loop can raise them on this vCPU, and the run's slice bounds how long others
     * wait ({@link ExecCounters#RUN_SLICE}).
     */
    private static void emitSelfLoop(CodeBuilder c, ExecCounters counters, boolean callsOut, int n, Label top,
            Label leave) {
        if (callsOut) {
            emitLiveChecks(c, CD_TB, leave);
        }
        counters.emitBudgetCheck(n, leave);
        counters.emitLoop();
        c.goto_(top);
    }

    /**
     * The block's last instruction if generated code decides the branch itself ({@link DirectBranch}: both
     * successors are fixed), else null.
     */
    static DirectBranch decidedBranch(Insn[] insns) {
        return insns[insns.length - 1] instanceof DirectBranch b ? b : null;
    }

    /**
     * Pushes the generated class's class data element {@code index} (an instruction) as a constant of {@code type}:
     * {@code ldc} of a dynamic constant bootstrapped by {@link MethodHandles#classDataAt}.
     */
    static void emitClassData(CodeBuilder c, ClassDesc type, int index) {
        c.ldc(DynamicConstantDesc.ofNamed(ConstantDescs.BSM_CLASS_DATA_AT, ConstantDescs.DEFAULT_NAME, type, index));
    }

    /**
     * Emits the decision of a block's {@link #decidedBranch} (class data {@code dataIndex}, encoding {@code word},
     * at {@code pc}), in code that keeps its count and registers in locals (the only code whose branches are
     * decided): {@code if (!taken(cpu, xt)) goto notTaken}, nothing for B. Returns the successors: the target,
     * whose code the caller emits next (falling through from here), and for a conditional branch the next
     * instruction, whose code the caller emits at {@code notTaken}. Each successor's code ends with a jump.
     */
    static long[] emitBranch(CodeBuilder c, ExecCounters counters, DirectBranch branch, int word, long pc,
            int dataIndex, Label notTaken) {
        long target = pc + branch.offset();
        if ((word & 0xfc00_0000) == 0x1400_0000) { // B: always taken
            return new long[] {target};
        }
        counters.registers().emitTaken(branch, dataIndex);
        c.ifeq(notTaken);
        return new long[] {target, pc + 4};
    }

    /**
     * Leaves the block at {@code start} for {@code next}, a successor outside the generated code or one the
     * guards did not let it continue at: {@code cpu.nextPc = next; goto out}.
     */
    static void emitLeave(CodeBuilder c, ExecCounters counters, long start, long next, Label out) {
        counters.emitLeaving(start);
        c.aload(CPU).loadConstant(next).putfield(CD_CPU, "nextPc", CD_long).goto_(out);
    }

    /**
     * Emits one block's instructions, shared by TBs and {@link RegionTranslator regions}: per instruction the
     * {@code cpu.pc}/{@code cpu.nextPc} stores it needs, its probe call if planned, the call of its {@code exec}
     * (the instruction is class data {@code dataBase + i}) and, after a possible store, the validity check that
     * returns {@link Tb#EXIT_INVALIDATED}. Falls through, once the block ran to its end, with the successor in
     * {@code cpu.nextPc}; the caller adds the block's instructions to the count ({@link ExecCounters}) and either
     * continues with a block of its own (whose instructions store {@code cpu.pc} where they need it) or returns
     * through {@link ExecCounters#emitExits}, which sets {@code cpu.pc}.
     *
     * @param validOwner the generated class's superclass, whose {@code valid} flag the checks read
     */
    static void emitBody(CodeBuilder c, ExecCounters counters, ClassDesc validOwner, long start, Insn[] insns,
            int[] words, int dataBase, ProbeEmitter.Plan probes, boolean branchDecided) {
        int n = insns.length;
        if (probes != null && probes.block()) {
            ProbeEmitter.emitBlock(c, counters, CPU, start, n);
        }
        for (int i = 0; i < (branchDecided ? n - 1 : n); i++) {
            long pc = start + 4L * i;
            boolean probed = probes != null && probes.insns()[i];
            if (probed || i == n - 1 || !isPlainAlu(words[i], insns[i])) {
                c.aload(CPU).loadConstant(pc).putfield(CD_CPU, "pc", CD_long);
                if (probed) {
                    ProbeEmitter.emitInsn(c, counters, CPU, pc, words[i], i);
                }
                c.aload(CPU).loadConstant(pc + 4).putfield(CD_CPU, "nextPc", CD_long);
            }
            if (mayCallOut(words[i], insns[i])) {
                counters.emitBeforeCallOut(start);
            }
            LocalRegisters registers = counters.registers();
            if (registers != null && insns[i] instanceof DataProcessingInsn d) {
                registers.emitCompute(d, dataBase + i);
            } else {
                boolean sync = registers != null && LocalRegisters.needsSync(words[i]);
                if (sync) {
                    registers.emitWriteBack();
                }
                emitClassData(c, CD_INSN, dataBase + i);
                c.aload(CPU).invokevirtual(CD_INSN, "exec", MTD_INSN_EXEC);
                if (sync) {
                    registers.emitReload();
                }
            }
            if (i < n - 1 && mayStore(words[i])) {
                // A store may have hit this very block (self-modifying code): stop before running stale code.
                Label stillValid = c.newLabel();
                counters.targets.add(stillValid);
                c.aload(0).getfield(validOwner, "valid", CD_boolean).ifne(stillValid);
                c.aload(CPU).loadConstant(pc + 4).putfield(CD_CPU, "pc", CD_long);
                counters.emitCount(i + 1);
                counters.emitLeaving(start);
                c.goto_(counters.exitInvalidated());
                c.labelBinding(stillValid);
            }
        }
    }

    /**
     * Emits the checks that something outside the generated code asked it to stop; jumps to {@code out} if one
     * fails: no exit request (interrupts, stop, TLB shootdowns, SMC barriers), the code still valid.
     */
    static void emitLiveChecks(CodeBuilder c, ClassDesc validOwner, Label out) {
        c.aload(CPU).getfield(CD_CPU, "exitRequest", CD_int).ifne(out);
        c.aload(0).getfield(validOwner, "valid", CD_boolean).ifeq(out);
    }

    /**
     * True for the instructions that can write memory: the load/store encoding group (op0 = x1x0, Arm ARM C4.1)
     * and SYS (cache maintenance such as DC ZVA). This picks where an invalidation check goes; it is not semantics.
     */
    static boolean mayStore(int word) {
        return (word & 0x0a00_0000) == 0x0800_0000 || (word & 0xfff8_0000) == 0xd508_0000;
    }

    /**
     * True for integer data processing that neither reads the PC nor can raise an exception: the
     * data-processing-immediate group (op0 = 100x, Arm ARM C4.1) without PC-relative addressing (ADR, ADRP), and
     * data-processing-register (op0 = x101); unallocated encodings there decode to {@link Undefined}, which
     * raises. Such instructions need no {@code cpu.pc}/{@code cpu.nextPc} stores: only an instruction that reads
     * them or throws (the handler finds the faulting instruction by {@code cpu.pc}), and the block's last, which
     * sets the successor, do. This picks where PC stores go; it is not semantics.
     */
    static boolean isPlainAlu(int word, Insn insn) {
        boolean dpImmediate = (word & 0x1c00_0000) == 0x1000_0000 && (word & 0x1f00_0000) != 0x1000_0000;
        boolean dpRegister = (word & 0x0e00_0000) == 0x0a00_0000;
        return (dpImmediate || dpRegister) && !(insn instanceof Undefined);
    }

    /**
     * True unless the instruction is plain data processing ({@link #isPlainAlu}), PC-relative addressing (ADR,
     * ADRP), a direct branch or BR, BLR, RET without pointer authentication: only the others can reach code
     * outside the generated method that reads the instruction count (counter reads, WFI, device accesses,
     * exceptions), raise this vCPU's exit request or write memory. (A branch to a misaligned address faults at
     * the next fetch, which the dispatcher leaves to the interpreter.) This picks where the context is made
     * current and where transitions check exit requests; it is not semantics.
     */
    static boolean mayCallOut(int word, Insn insn) {
        boolean pcRelative = (word & 0x1f00_0000) == 0x1000_0000;
        int branchToRegister = word & 0xffff_fc1f;
        boolean plainRegisterBranch = branchToRegister == 0xd61f_0000 || branchToRegister == 0xd63f_0000
                || branchToRegister == 0xd65f_0000;
        return !isPlainAlu(word, insn) && !pcRelative && !isDirectBranch(word) && !plainRegisterBranch;
    }

    /** True if any of the block's instructions {@link #mayCallOut}. */
    static boolean mayCallOut(int[] words, Insn[] insns) {
        for (int i = 0; i < insns.length; i++) {
            if (mayCallOut(words[i], insns[i])) {
                return true;
            }
        }
        return false;
    }

    /**
     * True if the instruction is a direct branch, whose successors (target, next instruction) are fixed by the
     * code: B, BL, B.cond, BC.cond, CBZ, CBNZ, TBZ, TBNZ (Arm ARM C4.1.3). Used only to allow chaining.
     */
    static boolean isDirectBranch(int word) {
        return (word & 0x7c00_0000) == 0x1400_0000
                || (word & 0xff00_0000) == 0x5400_0000
                || (word & 0x7e00_0000) == 0x3400_0000
                || (word & 0x7e00_0000) == 0x3600_0000;
    }
}
