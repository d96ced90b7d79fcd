package dev.armature.accel.tcg;

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
 * emitted by the same {@link TbTranslator#emitBody} as a TB's, and jumps between them. The instruction count, the
 * limit, the transition count and the running member's start are locals ({@link ExecLocals}), written back to the
 * context at every return and, before an instruction that may read them, the count and start:
 * <pre>
 * int exec(Cpu cpu, TbContext ctx) {
 *   long icount = ctx.icount, limit = ctx.limit, transitions = ctx.regionTransitions, blockPc = ctx.blockPc;
 *   try {
 *     M0: body of member 0 (cpu.pc = its successor, icount += n0)
 *         if (cpu.pc == start1) goto G1; if (cpu.pc == start0) goto G0; ...   // its in-region successors
 *         goto out;
 *     M1: ...
 *     G1: if (icount + n1 &gt; limit || cpu.exitRequest != 0 || !valid) goto out;
 *         transitions++; blockPc = start1; goto M1;
 *     ...
 *     out: ctx.icount = icount; ctx.regionTransitions = transitions; ctx.blockPc = blockPc; return EXIT_NORMAL;
 *   } catch (SyncException e) {      // cpu.pc is the faulting instruction, blockPc its member's start
 *     icount += (cpu.pc - blockPc) / 4 + 1; (write back); Exceptions.takeSync(cpu, e); return EXIT_EXCEPTION;
 *   }
 * }
 * </pre>
 * The guards are a TB self-loop's: the exact budget, exit requests and validity (the region's flag, cleared when
 * any member is invalidated). Instructions are the class data, all members' in order.
 */
final class RegionTranslator {
    private static final ClassDesc CD_REGION = TbRegion.class.describeConstable().orElseThrow();
    private static final MethodTypeDesc MTD_INIT =
            MethodTypeDesc.of(CD_void, TbTranslator.CD_TB.arrayType(), CD_int);
    private static final MethodTypeDesc MTD_EXEC = MethodTypeDesc.of(CD_int, CD_CPU, CD_CONTEXT);
    private static final MethodType MT_INIT = MethodType.methodType(void.class, Tb[].class, int.class);
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
        ExecLocals locals = ExecLocals.ofRegion(c);
        Label[] body = new Label[k];
        Label[] guard = new Label[k];
        for (int j = 0; j < k; j++) {
            body[j] = c.newLabel();
            guard[j] = c.newLabel();
        }
        Label out = c.newLabel();
        locals.emitEntry();
        Label tryStart = c.newBoundLabel();
        boolean[] entered = new boolean[k];
        int dataBase = 0;
        for (int j = 0; j < k; j++) {
            Tb t = members[j];
            c.labelBinding(body[j]);
            locals.targets.add(body[j]);
            TbTranslator.emitBody(c, locals, CD_REGION, t.key.va(), t.insns, t.words, dataBase, null);
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
            locals.targets.add(guard[j]);
            TbTranslator.emitGuard(c, locals, CD_REGION, members[j].insns.length, out);
            locals.emitLoop();
            locals.emitMemberStart(members[j].key.va());
            c.goto_(body[j]);
        }
        Label tryEnd = c.newBoundLabel();
        locals.emitExits(out);

        Label handler = c.newLabel();
        locals.emitTakeSync(handler);
        c.exceptionCatch(tryStart, tryEnd, handler, CD_SYNC);
        locals.emitFrames(self, handler);
    }
}
