package dev.armature.accel.tcg;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.ExecutionProbe;

import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;

import static java.lang.constant.ConstantDescs.CD_boolean;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;

/**
 * Emits the calls to a {@link Cpu#probe} into a TB, at the points where the interpreter calls it
 * ({@link dev.armature.accel.interp.Interpreter#runProbedBlock}). Only TBs translated while a probe is installed
 * get them ({@link Plan}); when the probe changes the whole cache is flushed, so a TB without calls never runs
 * under a probe and uninstrumented code stays as it was.
 *
 * <p>Emitted before instruction i of a block starting at {@code start}, when the plan instruments it:
 * <pre>
 * if (ProbeEmitter.insn(cpu, pc, word)) { icount += i; return EXIT_PROBE; }   // cpu.pc == pc already
 * </pre>
 * and at the block's head (also on each self-loop iteration), when blocks are instrumented:
 * <pre>
 * cpu.pc = start; if (ProbeEmitter.block(cpu, start, n)) return EXIT_PROBE;
 * </pre>
 */
public final class ProbeEmitter {
    /** Which probe calls a block gets: its head, and each instruction i with {@code insns[i]}. */
    record Plan(boolean block, boolean[] insns) {
        /** The plan for {@code n} instructions at {@code va}, or null if the probe instruments none of it. */
        static Plan of(ExecutionProbe probe, long va, int n) {
            if (probe == null) {
                return null;
            }
            boolean any = probe.instrumentsBlocks();
            boolean[] insns = new boolean[n];
            for (int i = 0; i < n; i++) {
                insns[i] = probe.instrumentsCode(va + 4L * i);
                any |= insns[i];
            }
            return any ? new Plan(probe.instrumentsBlocks(), insns) : null;
        }
    }

    private static final ClassDesc CD_SELF = ProbeEmitter.class.describeConstable().orElseThrow();
    private static final ClassDesc CD_CPU = Cpu.class.describeConstable().orElseThrow();
    private static final MethodTypeDesc MTD_BLOCK = MethodTypeDesc.of(CD_boolean, CD_CPU, CD_long, CD_int);
    private static final MethodTypeDesc MTD_INSN = MethodTypeDesc.of(CD_boolean, CD_CPU, CD_long, CD_int);

    private ProbeEmitter() {
    }

    /** Called by generated code at a block head. A TB outliving its probe (flushed, still running) calls nothing. */
    public static boolean block(Cpu cpu, long va, int n) {
        ExecutionProbe p = cpu.probe;
        return p != null && p.beforeBlock(cpu, va, n);
    }

    /** Called by generated code before an instrumented instruction. */
    public static boolean insn(Cpu cpu, long va, int word) {
        ExecutionProbe p = cpu.probe;
        return p != null && p.beforeInsn(cpu, va, word);
    }

    /** Emits the block-head call. */
    static void emitBlock(CodeBuilder c, ExecCounters counters, int cpuSlot, long start, int n) {
        Label go = c.newLabel();
        counters.targets.add(go);
        c.aload(cpuSlot).loadConstant(start).putfield(CD_CPU, "pc", CD_long);
        c.aload(cpuSlot).loadConstant(start).loadConstant(n).invokestatic(CD_SELF, "block", MTD_BLOCK).ifeq(go);
        c.goto_(counters.exitProbe());
        c.labelBinding(go);
    }

    /** Emits the call before instruction {@code i} (at {@code pc}, after cpu.pc was set). */
    static void emitInsn(CodeBuilder c, ExecCounters counters, int cpuSlot, long pc, int word, int i) {
        Label go = c.newLabel();
        counters.targets.add(go);
        c.aload(cpuSlot).loadConstant(pc).loadConstant(word).invokestatic(CD_SELF, "insn", MTD_INSN).ifeq(go);
        counters.emitCount(i);
        c.goto_(counters.exitProbe());
        c.labelBinding(go);
    }
}
