package dev.armature.accel.tcg;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.DataProcessingInsn;
import dev.armature.arch.aarch64.DirectBranch;
import dev.armature.arch.aarch64.Insn;

import java.lang.classfile.CodeBuilder;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;

import static dev.armature.accel.tcg.TbTranslator.CD_CPU;
import static dev.armature.accel.tcg.TbTranslator.CPU;
import static java.lang.constant.ConstantDescs.CD_long;

/**
 * The guest's general-purpose registers as JVM locals of a generated method: one {@code long} local for each
 * register that the method's {@link DataProcessingInsn data-processing instructions} and branches on a register
 * use. Those instructions run as {@code xd = insn.compute(cpu, xn, xm, xa)} (and {@code branch.taken(cpu, xt)}) on
 * the locals, which C2 keeps in host registers across the guest's loop; on {@code cpu.r} each instruction was a
 * load and a store through memory, and C2 does not promote array elements in loops (nor scalar-replace an array
 * accessed in one, so a method-local {@code long[]} is no substitute).
 *
 * <p>{@code cpu.r} is exact wherever anything outside the method can look: the locals are loaded on entry, every
 * other instruction (loads and stores, system instructions, register branches: anything that may call out, read
 * registers in a hook, or take an exception) is preceded by writing them back and followed by loading them again,
 * and every normal return writes them back. The exception handler need not: {@code compute} and {@code taken}
 * never throw, so an exception comes from an instruction that ran on {@code cpu.r} after a write-back. Used only
 * by code with its count in locals ({@link ExecCounters#countInLocals()}), where at most one instruction in
 * {@link ExecCounters#SPARSE_CALL_OUTS} may call out.
 */
final class LocalRegisters {
    private static final ClassDesc CD_LONG_ARRAY = CD_long.arrayType();
    private static final ClassDesc CD_DATA_PROCESSING = DataProcessingInsn.class.describeConstable().orElseThrow();
    private static final MethodTypeDesc MTD_COMPUTE =
            MethodTypeDesc.of(CD_long, CD_CPU, CD_long, CD_long, CD_long);
    /** NOP, which needs no write-back (the kernel's patchable function entries put them in hot code). */
    private static final int NOP = 0xd503_201f;

    private final CodeBuilder c;
    /** The registers kept in locals ({@code cpu.r} indices), ascending; register {@code registers[i]} is in local
     * {@code firstSlot + 2 * i}. */
    private final int[] registers;
    private final int[] slotOf = new int[Cpu.SP + 1];

    private LocalRegisters(CodeBuilder c, int firstSlot, int[] registers) {
        this.c = c;
        this.registers = registers;
        for (int i = 0; i < registers.length; i++) {
            slotOf[registers[i]] = firstSlot + 2 * i;
        }
    }

    /** The locals for a method of these instructions from local {@code firstSlot} on (perhaps none). */
    static LocalRegisters of(CodeBuilder c, int firstSlot, Insn[] insns) {
        long used = 0;
        for (Insn insn : insns) {
            if (insn instanceof DataProcessingInsn d) {
                used |= 1L << d.destination();
                for (int n : d.operands()) {
                    used |= 1L << n;
                }
            } else if (insn instanceof DirectBranch b) {
                used |= 1L << b.operand();
            }
        }
        used &= ~(1L << Cpu.XZR | 1L << Cpu.SINK);
        int[] registers = new int[Long.bitCount(used)];
        int k = 0;
        for (long rest = used; rest != 0; rest &= rest - 1) {
            registers[k++] = Long.numberOfTrailingZeros(rest);
        }
        return new LocalRegisters(c, firstSlot, registers);
    }

    /** The number of locals (each a {@code long}, two slots). */
    int count() {
        return registers.length;
    }

    /** Whether an instruction that does not run on the locals must have them written back and reloaded around it. */
    static boolean needsSync(int word) {
        return word != NOP;
    }

    /**
     * Emits a data-processing instruction (class data {@code dataIndex}) on the locals: {@code xd =
     * insn.compute(cpu, xn, xm, xa)}, with XZR read as 0 and writes to XZR or the sink dropped.
     */
    void emitCompute(DataProcessingInsn insn, int dataIndex) {
        TbTranslator.emitClassData(c, CD_DATA_PROCESSING, dataIndex);
        c.aload(CPU);
        for (int n : insn.operands()) {
            emitValue(n);
        }
        c.invokevirtual(CD_DATA_PROCESSING, "compute", MTD_COMPUTE);
        int d = insn.destination();
        if (d == Cpu.XZR || d == Cpu.SINK) {
            c.pop2();
        } else {
            c.lstore(slotOf[d]);
        }
    }

    /** Pushes register {@code n}'s value: its local, or 0 for XZR (and the sink, read only by writes to XZR). */
    void emitValue(int n) {
        if (n == Cpu.XZR || n == Cpu.SINK) {
            c.lconst_0();
        } else {
            c.lload(slotOf[n]);
        }
    }

    /** Loads the locals from {@code cpu.r}: on entry, and after an instruction that ran on {@code cpu.r}. */
    void emitReload() {
        for (int n : registers) {
            c.aload(CPU).getfield(CD_CPU, "r", CD_LONG_ARRAY).loadConstant(n).laload().lstore(slotOf[n]);
        }
    }

    /** Writes the locals to {@code cpu.r}: before such an instruction, and at every normal return. */
    void emitWriteBack() {
        for (int n : registers) {
            c.aload(CPU).getfield(CD_CPU, "r", CD_LONG_ARRAY).loadConstant(n).lload(slotOf[n]).lastore();
        }
    }
}
