package dev.armature.accel.tcg;

import dev.armature.arch.aarch64.CpuMemory;
import dev.armature.arch.aarch64.DirectBranch;
import dev.armature.arch.aarch64.Insn;

import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.attribute.CodeAttribute;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.armature.accel.tcg.TbTranslator.CD_CONTEXT;
import static dev.armature.accel.tcg.TbTranslator.CD_CPU;
import static dev.armature.accel.tcg.TbTranslator.CD_SYNC;
import static dev.armature.accel.tcg.TbTranslator.CPU;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_void;

/**
 * Compiles the members of a {@link TbRegion} into one hidden class whose {@code exec} holds every member's body,
 * emitted by the same {@link TbTranslator#emitBody} as a TB's, and jumps between them. The limit (at most {@link
 * ExecCounters#RUN_SLICE} instructions away) and the transition count are locals; so are the count, kept as the
 * instructions still allowed, if few of the members' instructions {@link TbTranslator#mayCallOut}, else the
 * count and the running member's start are the context's fields ({@link ExecCounters}). With the count in locals:
 * <pre>
 * int exec(Cpu cpu, TbContext ctx) {
 *   long limit = min(ctx.limit, ctx.icount + RUN_SLICE), transitions = ctx.regionTransitions;
 *   long remaining = limit - ctx.icount;
 *   try {
 *     M0: body of member 0, but its last instruction if that is a DirectBranch; remaining -= n0;
 *         if (!B0.taken(cpu, xt)) goto M0fall;                // the branch's own condition
 *         [G] if (remaining &lt; n1) { ctx.blockPc = start0; cpu.nextPc = start1; goto out; }
 *         transitions++; goto M1;                              // the target, member 1
 *     M0fall: ctx.blockPc = start0; cpu.nextPc = start0 + 4 * n0; goto out;   // a successor outside
 *     M1: body of member 1 (cpu.nextPc = its successor: it ends in BR, say); remaining -= n1;
 *         ctx.blockPc = start1;
 *         if (cpu.nextPc == start0) goto B0; if (cpu.nextPc == start2) goto B2; ...   // its in-region successors
 *         goto out;
 *     ...
 *     B0: [G] ...; transitions++; goto M0;                     // shared by the compares' members
 *     out: cpu.pc = cpu.nextPc; ctx.icount = limit - remaining; ctx.regionTransitions = transitions;
 *         return EXIT_NORMAL;
 *   } catch (SyncException e) {   // cpu.pc is the faulting instruction, ctx.blockPc its member's start
 *     remaining -= (cpu.pc - ctx.blockPc) / 4 + 1; (write back); Exceptions.takeSync(cpu, e); return EXIT_EXCEPTION;
 *   }
 * }
 * </pre>
 * where an instruction that may call out (and so may throw or read the count) is preceded by {@code ctx.icount =
 * limit - remaining; ctx.blockPc = start}, and the guest registers are locals as in a TB ({@link LocalRegisters}). A guard [G] is a TB self-loop's: the exact budget at every transition,
 * the mapping of a member's page where it is entered from another page than its own and is not on the head's
 * page (then {@code EXIT_UNMAPPED}), and exit requests and validity (the region's flag, cleared when any member is
 * invalidated) after a member with an instruction that {@link TbTranslator#mayCallOut}: that may raise this
 * vCPU's own exit request or store into a member, and is followed by the check where the interpreter has its
 * block boundary. Everything else is seen by the dispatcher between runs: those checks are volatile reads, after
 * which C2 reloads what it had in registers (the guest register array and its length, docs/performance.md).
 * Instructions are the class data, all members' in order.
 */
final class RegionTranslator {
    private static final ClassDesc CD_REGION = TbRegion.class.describeConstable().orElseThrow();
    private static final MethodTypeDesc MTD_INIT =
            MethodTypeDesc.of(CD_void, TbTranslator.CD_TB.arrayType(), CD_int);
    private static final MethodTypeDesc MTD_EXEC = MethodTypeDesc.of(CD_int, CD_CPU, CD_CONTEXT);
    private static final MethodType MT_INIT = MethodType.methodType(void.class, Tb[].class, int.class);
    private static final ClassDesc CD_MEMORY = CpuMemory.class.describeConstable().orElseThrow();
    private static final MethodTypeDesc MTD_FETCH_PAGE_PA = MethodTypeDesc.of(CD_long, CD_long);
    private static final long PAGE_MASK = ~0xfffL;
    /** Name prefix of a region's class (the head's virtual address follows in hex). */
    static final String PREFIX = "dev.armature.accel.tcg.TbRegion_";
    /**
     * Name prefix of a region's class when it was formed for a hot loop ({@link TcgExecutor#HOT_LOOP_INSNS}), so that
     * HotSpot's compile policy can be set for these classes alone: {@code -XX:CompileCommand} patterns match class
     * names, hidden classes' too. Such a region is entered a few times per second and loops long each time; under
     * the default policy it runs its first tens of milliseconds in the bytecode interpreter and C1's profiling code
     * (docs/performance.md, "Warm-up of hot loops"). Nothing in Armature treats these classes differently.
     */
    static final String HOT_LOOP_PREFIX = "dev.armature.accel.tcg.TbLoop_";
    /** HotSpot compiles no method over {@code HugeMethodLimit} (8000) bytecode bytes by default. */
    static final int HUGE_METHOD = 8000;

    private final MethodHandles.Lookup lookup = MethodHandles.lookup();
    private final ClassFile classFile = ClassFile.of(ClassFile.StackMapsOption.DROP_STACK_MAPS);

    /**
     * Generates and loads the region, or returns null if its method is too large for HotSpot to compile.
     *
     * @param hotLoop whether the head got hot in a tight loop: the class is then named {@link #HOT_LOOP_PREFIX}
     */
    TbRegion translate(Tb[] members, boolean hotLoop) {
        ClassDesc self = ClassDesc.of(String.format("%s%x", hotLoop ? HOT_LOOP_PREFIX : PREFIX, members[0].key.va()));
        byte[] bytes = classFile.build(self, cb -> {
            cb.withFlags(ClassFile.ACC_FINAL | ClassFile.ACC_SYNTHETIC);
            cb.withSuperclass(CD_REGION);
            cb.withMethodBody(ConstantDescs.INIT_NAME, MTD_INIT, ClassFile.ACC_PUBLIC, c -> c
                    .aload(0).aload(1).iload(2)
                    .invokespecial(CD_REGION, ConstantDescs.INIT_NAME, MTD_INIT)
                    .return_());
            cb.withMethodBody("exec", MTD_EXEC, ClassFile.ACC_FINAL, c -> emitExec(c, self, members));
        });
        if (execLength(bytes) >= HUGE_METHOD) {
            return null;
        }
        List<Object> data = new ArrayList<>();
        for (Tb t : members) {
            data.addAll(Arrays.asList(t.insns));
        }
        try {
            MethodHandles.Lookup hidden = lookup.defineHiddenClassWithClassData(bytes, List.copyOf(data), false);
            MethodHandle ctor = hidden.findConstructor(hidden.lookupClass(), MT_INIT);
            return (TbRegion) ctor.invoke(members, bytes.length);
        } catch (Throwable t) {
            throw new IllegalStateException("cannot load region of " + members[0], t);
        }
    }

    private int execLength(byte[] bytes) {
        for (MethodModel m : classFile.parse(bytes).methods()) {
            if (m.methodName().equalsString("exec")) {
                return m.findAttribute(Attributes.code()).map(CodeAttribute::codeLength)
                        .orElse(0);
            }
        }
        return 0;
    }

    private static void emitExec(CodeBuilder c, ClassDesc self, Tb[] members) {
        int k = members.length;
        int total = 0;
        for (Tb t : members) {
            total += t.insns.length;
        }
        int[] words = new int[total];
        Insn[] insns = new Insn[total];
        int at = 0;
        for (Tb t : members) {
            System.arraycopy(t.words, 0, words, at, t.words.length);
            System.arraycopy(t.insns, 0, insns, at, t.insns.length);
            at += t.insns.length;
        }
        ExecCounters counters = ExecCounters.ofRegion(c, words, insns);
        Label[] body = new Label[k];
        Label[] guard = new Label[k];
        Label[] budgetGuard = new Label[k];
        for (int j = 0; j < k; j++) {
            body[j] = c.newLabel();
            guard[j] = c.newLabel();
            budgetGuard[j] = c.newLabel();
        }
        Label out = c.newLabel();
        c.nop(); // keeps the first member's frame off offset 0, which the implicit initial frame occupies
        counters.emitEntry();
        Label tryStart = c.newBoundLabel();
        boolean[] entered = new boolean[k];
        boolean[] checked = new boolean[k];
        int dataBase = 0;
        for (int j = 0; j < k; j++) {
            Tb t = members[j];
            c.labelBinding(body[j]);
            counters.targets.add(body[j]);
            DirectBranch branch = counters.countInLocals() ? TbTranslator.decidedBranch(t.insns) : null;
            int n = t.insns.length;
            boolean counted = branch != null && TbTranslator.isCountedSelfLoop(t.key.va(), t.insns, t.words);
            Label passTop = null;
            if (counted) {
                counters.emitCountedLoopEntry(n);
                passTop = c.newBoundLabel();
                counters.targets.add(passTop);
                counters.emitCountedPass();
            }
            TbTranslator.emitBody(c, counters, CD_REGION, t.key.va(), t.insns, t.words, dataBase, null,
                    branch != null);
            if (!counted) {
                counters.emitCount(n);
            }
            dataBase += n;
            boolean callsOut = TbTranslator.mayCallOut(t.words, t.insns);
            if (branch != null) {
                Label notTaken = c.newLabel();
                long[] next = TbTranslator.emitBranch(c, counters, branch, t.words[n - 1], t.key.va() + 4L * (n - 1),
                        dataBase - 1, notTaken);
                List<Tb> candidates = RegionSelector.candidates(t, members);
                counters.registers().endFlagsInLocals();
                for (int e = 0; e < next.length; e++) {
                    if (e == 1) {
                        c.labelBinding(notTaken);
                        counters.targets.add(notTaken);
                    }
                    if (counted && next[e] == t.key.va()) {
                        counters.emitCountedBackEdge(passTop); // else the budget is spent: leave for this start
                    }
                    if (counted) {
                        counters.emitCountedLoopExit(n);
                    }
                    int i = -1;
                    for (Tb s : candidates) {
                        if (s.key.va() == next[e]) {
                            i = Arrays.asList(members).indexOf(s);
                        }
                    }
                    if (i < 0 || counted && i == j) {
                        TbTranslator.emitLeave(c, counters, t.key.va(), next[e], out);
                    } else {
                        emitEdge(c, members, j, i, callsOut, body[i], out, counters);
                    }
                }
                continue;
            }
            // The guards below are shared by all members jumping there, so the running member is made current now.
            counters.emitLeaving(t.key.va());
            for (Tb s : RegionSelector.candidates(t, members)) {
                int i = Arrays.asList(members).indexOf(s);
                entered[i] = true;
                // Where this vCPU may have raised its exit request or written code, and at jump backs (every
                // cycle has one, so a loop sees the rest within one pass) unless the run's slice bounds the wait
                // (ExecCounters.RUN_SLICE).
                boolean full = callsOut || i <= j && !counters.countInLocals();
                checked[i] |= full;
                c.aload(CPU).getfield(CD_CPU, "nextPc", CD_long).loadConstant(s.key.va()).lcmp()
                        .ifeq(full ? guard[i] : budgetGuard[i]);
            }
            c.goto_(out);
        }
        for (int j = 0; j < k; j++) {
            if (!entered[j]) {
                continue;
            }
            if (checked[j]) {
                c.labelBinding(guard[j]);
                counters.targets.add(guard[j]);
                TbTranslator.emitLiveChecks(c, CD_REGION, out);
            }
            c.labelBinding(budgetGuard[j]);
            counters.targets.add(budgetGuard[j]);
            emitMappingCheck(c, members, j, counters);
            counters.emitBudgetCheck(members[j].insns.length, out);
            counters.emitLoop();
            counters.emitMemberStart(members[j].key.va());
            c.goto_(body[j]);
        }
        Label tryEnd = c.newBoundLabel();
        counters.emitExits(out);

        Label handler = c.newLabel();
        counters.emitTakeSync(handler);
        c.exceptionCatch(tryStart, tryEnd, handler, CD_SYNC);
        counters.emitFrames(self, handler);
    }

    /**
     * Emits the transition from member {@code j}, whose branch it decided ({@link TbTranslator#decidedBranch}), to
     * member {@code i}: the checks of a guard (exit request and validity if {@code j} may call out, the mapping of
     * {@code i}'s page if {@code j} lies on another and {@code i} not on the head's, the budget), each leaving with
     * {@code cpu.nextPc} = {@code i}'s start if it fails, then {@code i}'s body. Nothing is stored on the way in.
     */
    private static void emitEdge(CodeBuilder c, Tb[] members, int j, int i, boolean callsOut, Label body, Label out,
            ExecCounters counters) {
        Tb to = members[i];
        long va = to.key.va();
        Label leave = c.newLabel();
        if (callsOut) {
            TbTranslator.emitLiveChecks(c, CD_REGION, leave);
        }
        Label unmapped = null;
        long page = va & PAGE_MASK;
        if (page != (members[0].key.va() & PAGE_MASK) && page != (members[j].key.va() & PAGE_MASK)) {
            unmapped = c.newLabel();
            c.aload(CPU).getfield(CD_CPU, "memory", CD_MEMORY)
                    .loadConstant(va).invokevirtual(CD_MEMORY, "fetchPagePa", MTD_FETCH_PAGE_PA)
                    .loadConstant(to.key.pa() & PAGE_MASK).lcmp().ifne(unmapped);
        }
        counters.emitBudgetCheck(to.insns.length, leave);
        counters.emitLoop();
        counters.emitMemberStart(va);
        c.goto_(body);
        c.labelBinding(leave);
        counters.targets.add(leave);
        long from = members[j].key.va();
        TbTranslator.emitLeave(c, counters, from, va, out);
        if (unmapped != null) {
            c.labelBinding(unmapped);
            counters.targets.add(unmapped);
            TbTranslator.emitLeave(c, counters, from, va, counters.exitUnmapped());
        }
    }

    /**
     * Emits, at the start of member {@code j}'s guard, the check that the vCPU's fetch TLB still maps {@code j}'s
     * virtual page to the physical page it was translated from (the jump cache's check, {@link
     * CpuMemory#fetchPagePa}); leaves with {@link Tb#EXIT_UNMAPPED} if not, or if the TLB holds no entry for the page
     * (the dispatcher then looks the PC up). Nothing for a member on the head's page, whose mapping the region's
     * entry established, nor for one entered only from members on its own page, which were themselves checked or
     * on the head's page; a page mapped so once in a run stays so (see {@link RegionSelector}, mappings).
     */
    private static void emitMappingCheck(CodeBuilder c, Tb[] members, int j, ExecCounters counters) {
        Tb m = members[j];
        if (!entersFromAnotherPage(members, m)) {
            return;
        }
        Label mapped = c.newLabel();
        counters.targets.add(mapped);
        c.aload(CPU).getfield(CD_CPU, "memory", CD_MEMORY)
                .loadConstant(m.key.va()).invokevirtual(CD_MEMORY, "fetchPagePa", MTD_FETCH_PAGE_PA)
                .loadConstant(m.key.pa() & PAGE_MASK).lcmp().ifeq(mapped);
        c.goto_(counters.exitUnmapped());
        c.labelBinding(mapped);
    }

    /** True if {@code m} is off the head's page and some member's exit may continue at it from another page. */
    static boolean entersFromAnotherPage(Tb[] members, Tb m) {
        long page = m.key.va() & PAGE_MASK;
        if (page == (members[0].key.va() & PAGE_MASK)) {
            return false;
        }
        for (Tb t : members) {
            if ((t.key.va() & PAGE_MASK) != page && RegionSelector.candidates(t, members).contains(m)) {
                return true;
            }
        }
        return false;
    }
}
