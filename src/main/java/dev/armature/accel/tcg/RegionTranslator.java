package dev.armature.accel.tcg;

import dev.armature.arch.aarch64.CpuMemory;

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
import static dev.armature.accel.tcg.TbTranslator.CTX;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_void;

/**
 * Compiles the members of a {@link TbRegion} into one hidden class whose {@code exec} holds every member's body,
 * emitted by the same {@link TbTranslator#emitBody} as a TB's, and jumps between them:
 * <pre>
 * int exec(Cpu cpu, TbContext ctx) {
 *   try {
 *     M0: body of member 0 (cpu.pc = its successor, ctx.icount += n0)
 *         if (cpu.pc == start1) goto G1; if (cpu.pc == start0) goto G0; ...   // its in-region successors
 *         return EXIT_NORMAL;
 *     M1: ...
 *     G1: if (member 1 is entered from another page &amp;&amp; cpu.memory.fetchPagePa(start1) != its page)
 *             return EXIT_UNMAPPED;     // only for a member off the head's page: see emitMappingCheck
 *         if (cpu.exitRequest != 0 || !valid || ctx.icount + n1 &gt; ctx.limit) return EXIT_NORMAL;
 *         ctx.regionTransitions++; ctx.blockPc = start1; goto M1;
 *     ...
 *   } catch (SyncException e) {      // cpu.pc is the faulting instruction, ctx.blockPc its member's start
 *     ctx.icount += (cpu.pc - ctx.blockPc) / 4 + 1; Exceptions.takeSync(cpu, e); return EXIT_EXCEPTION;
 *   }
 * }
 * </pre>
 * The guards are a TB self-loop's: exit requests, validity (the region's flag, cleared when any member is
 * invalidated) and the exact budget. Instructions are the class data, all members' in order.
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
    /** HotSpot compiles no method over {@code HugeMethodLimit} (8000) bytecode bytes by default. */
    static final int HUGE_METHOD = 8000;

    private final MethodHandles.Lookup lookup = MethodHandles.lookup();
    private final ClassFile classFile = ClassFile.of(ClassFile.StackMapsOption.DROP_STACK_MAPS);

    /** Generates and loads the region, or returns null if its method is too large for HotSpot to compile. */
    TbRegion translate(Tb[] members) {
        ClassDesc self = ClassDesc.of(String.format("dev.armature.accel.tcg.TbRegion_%x", members[0].key.va()));
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
        List<Label> targets = new ArrayList<>();
        Label[] body = new Label[k];
        Label[] guard = new Label[k];
        for (int j = 0; j < k; j++) {
            body[j] = c.newLabel();
            guard[j] = c.newLabel();
        }
        Label out = c.newLabel();
        c.nop(); // keeps the first member's frame off offset 0, which the implicit initial frame occupies
        Label tryStart = c.newBoundLabel();
        boolean[] entered = new boolean[k];
        int dataBase = 0;
        for (int j = 0; j < k; j++) {
            Tb t = members[j];
            c.labelBinding(body[j]);
            targets.add(body[j]);
            TbTranslator.emitBody(c, CD_REGION, t.key.va(), t.insns, t.words, dataBase, null, targets);
            dataBase += t.insns.length;
            for (Tb s : RegionSelector.candidates(t, members)) {
                int i = Arrays.asList(members).indexOf(s);
                entered[i] = true;
                c.aload(CPU).getfield(CD_CPU, "pc", CD_long).loadConstant(s.key.va()).lcmp().ifeq(guard[i]);
            }
            c.goto_(out);
        }
        for (int j = 0; j < k; j++) {
            if (!entered[j]) {
                continue;
            }
            c.labelBinding(guard[j]);
            targets.add(guard[j]);
            emitMappingCheck(c, members, j, targets);
            TbTranslator.emitGuard(c, CD_REGION, members[j].insns.length, out);
            c.aload(CTX).dup().getfield(CD_CONTEXT, "regionTransitions", CD_long).lconst_1().ladd()
                    .putfield(CD_CONTEXT, "regionTransitions", CD_long);
            c.aload(CTX).loadConstant(members[j].key.va()).putfield(CD_CONTEXT, "blockPc", CD_long);
            c.goto_(body[j]);
        }
        Label tryEnd = c.newBoundLabel();
        c.labelBinding(out);
        targets.add(out);
        c.loadConstant(Tb.EXIT_NORMAL).ireturn();

        Label handler = c.newBoundLabel();
        TbTranslator.emitTakeSync(c, b -> b.aload(CTX).getfield(CD_CONTEXT, "blockPc", CD_long));
        c.exceptionCatch(tryStart, tryEnd, handler, CD_SYNC);
        TbTranslator.emitFrames(c, self, targets, handler);
    }

    /**
     * Emits, at the start of member {@code j}'s guard, the check that the vCPU's fetch TLB still maps {@code j}'s
     * virtual page to the physical page it was translated from (the jump cache's check, {@link
     * CpuMemory#fetchPagePa}); returns {@link Tb#EXIT_UNMAPPED} if not, or if the TLB holds no entry for the page
     * (the dispatcher then looks the PC up). Nothing for a member on the head's page, whose mapping the region's
     * entry established, nor for one entered only from members on its own page, which were themselves checked or
     * on the head's page; a page mapped so once in a run stays so (see {@link RegionSelector}, mappings).
     */
    private static void emitMappingCheck(CodeBuilder c, Tb[] members, int j, List<Label> targets) {
        Tb m = members[j];
        if (!entersFromAnotherPage(members, m)) {
            return;
        }
        Label mapped = c.newLabel();
        targets.add(mapped);
        c.aload(CPU).getfield(CD_CPU, "memory", CD_MEMORY)
                .loadConstant(m.key.va()).invokevirtual(CD_MEMORY, "fetchPagePa", MTD_FETCH_PAGE_PA)
                .loadConstant(m.key.pa() & PAGE_MASK).lcmp().ifeq(mapped);
        c.loadConstant(Tb.EXIT_UNMAPPED).ireturn();
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
