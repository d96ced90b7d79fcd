package dev.armature.accel.tcg;

import dev.armature.arch.aarch64.Condition;
import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.DataProcessingInsn;
import dev.armature.arch.aarch64.DirectBranch;
import dev.armature.arch.aarch64.FlagSetting;
import dev.armature.arch.aarch64.Insn;

import java.lang.classfile.CodeBuilder;
import java.lang.classfile.attribute.StackMapFrameInfo.SimpleVerificationTypeInfo;
import java.lang.classfile.attribute.StackMapFrameInfo.VerificationTypeInfo;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.List;

import static dev.armature.accel.tcg.TbTranslator.CD_CPU;
import static dev.armature.accel.tcg.TbTranslator.CPU;
import static java.lang.constant.ConstantDescs.CD_boolean;
import static java.lang.constant.ConstantDescs.CD_int;
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
 *
 * <p>Inside a counted self-loop ({@link ExecCounters#emitCountedLoopEntry}), PSTATE.NZCV is kept the same way,
 * in four locals in {@link Cpu}'s unpacked form ({@code nf}, {@code zf}, {@code cf}, {@code vf}), loaded on the
 * loop's entry and stored on each way out ({@link #emitFlagsIntoLocals}): there a {@link FlagSetting} (ADDS,
 * SUBS, ANDS, BICS: CMP, CMN, TST) assigns them from its flag functions, B.cond tests its {@link Condition} on
 * them, and an instruction whose {@code compute} uses the flags in {@code cpu} ({@link
 * DataProcessingInsn#usesCpuFlags}) has them stored before it and loaded after it. Stored at every pass, the
 * flags cost a loop such as a bitwise CRC's (SUBS, B.NE) four stores and the carry and overflow computations;
 * as locals in a loop with one way back, C2 computes only what a condition reads and the rest after the loop.
 * Everywhere else they stay in {@code cpu}: kept across a region's loops, which have several ways back (and
 * tight's an irreducible one), they were four more values carried around every loop, and C2 neither sank their
 * computations out of the loops nor kept them all in registers (the tight shape ran a quarter slower).
 */
final class LocalRegisters {
    private static final ClassDesc CD_LONG_ARRAY = CD_long.arrayType();
    private static final ClassDesc CD_DATA_PROCESSING = DataProcessingInsn.class.describeConstable().orElseThrow();
    private static final MethodTypeDesc MTD_COMPUTE =
            MethodTypeDesc.of(CD_long, CD_CPU, CD_long, CD_long, CD_long);
    private static final ClassDesc CD_FLAG_SETTING = FlagSetting.class.describeConstable().orElseThrow();
    private static final MethodTypeDesc MTD_LONG_FLAG = MethodTypeDesc.of(CD_long, CD_long, CD_long, CD_long);
    private static final MethodTypeDesc MTD_INT_FLAG = MethodTypeDesc.of(CD_int, CD_long, CD_long, CD_long);
    private static final ClassDesc CD_CONDITION = Condition.class.describeConstable().orElseThrow();
    private static final MethodTypeDesc MTD_HOLDS =
            MethodTypeDesc.of(CD_boolean, CD_long, CD_long, CD_int, CD_long);
    private static final ClassDesc CD_DIRECT_BRANCH = DirectBranch.class.describeConstable().orElseThrow();
    private static final MethodTypeDesc MTD_TAKEN = MethodTypeDesc.of(CD_boolean, CD_CPU, CD_long);
    /** NOP, which needs no write-back (the kernel's patchable function entries put them in hot code). */
    private static final int NOP = 0xd503_201f;

    private final CodeBuilder c;
    /** The registers kept in locals ({@code cpu.r} indices), ascending; register {@code registers[i]} is in local
     * {@code firstSlot + 2 * i}. */
    private final int[] registers;
    private final int[] slotOf = new int[Cpu.SP + 1];
    /**
     * Whether the method has locals for NZCV (it has {@link FlagSetting} instructions): from {@code nfSlot} on,
     * nf, zf (longs), cf (an int), vf (a long).
     */
    private final boolean flags;
    private final int nfSlot;
    /** Whether the code being emitted keeps NZCV in the locals (a counted self-loop's), else in {@code cpu}. */
    private boolean flagsInLocals;

    private LocalRegisters(CodeBuilder c, int firstSlot, int[] registers, boolean flags) {
        this.c = c;
        this.registers = registers;
        this.flags = flags;
        for (int i = 0; i < registers.length; i++) {
            slotOf[registers[i]] = firstSlot + 2 * i;
        }
        this.nfSlot = firstSlot + 2 * registers.length;
    }

    /** The locals for a method of these instructions from local {@code firstSlot} on (perhaps none). */
    static LocalRegisters of(CodeBuilder c, int firstSlot, Insn[] insns) {
        long used = 0;
        boolean flags = false;
        for (Insn insn : insns) {
            flags |= insn instanceof FlagSetting;
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
        return new LocalRegisters(c, firstSlot, registers, flags);
    }

    /** The number of local variable slots these locals take. */
    int slots() {
        return 2 * registers.length + (flags ? 7 : 0);
    }

    /** Appends these locals' types, in slot order, to a stack map frame's locals. */
    void addFrameTypes(List<VerificationTypeInfo> locals) {
        for (int i = 0; i < registers.length; i++) {
            locals.add(SimpleVerificationTypeInfo.LONG);
        }
        if (flags) {
            locals.addAll(List.of(SimpleVerificationTypeInfo.LONG, SimpleVerificationTypeInfo.LONG,
                    SimpleVerificationTypeInfo.INTEGER, SimpleVerificationTypeInfo.LONG));
        }
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
        if (flagsInLocals && insn instanceof FlagSetting) {
            // The flags first: the result may overwrite an operand's local.
            emitFlagFunction(insn, dataIndex, "nz", MTD_LONG_FLAG);
            c.dup2().lstore(nfSlot).lstore(nfSlot + 2);
            emitFlagFunction(insn, dataIndex, "carry", MTD_INT_FLAG);
            c.istore(nfSlot + 4);
            emitFlagFunction(insn, dataIndex, "overflow", MTD_LONG_FLAG);
            c.lstore(nfSlot + 5);
            emitFlagFunction(insn, dataIndex, "value", MTD_LONG_FLAG);
        } else {
            boolean sync = flagsInLocals && insn.usesCpuFlags();
            if (sync) {
                emitFlagsStore();
            }
            TbTranslator.emitClassData(c, CD_DATA_PROCESSING, dataIndex);
            c.aload(CPU);
            for (int n : insn.operands()) {
                emitValue(n);
            }
            c.invokevirtual(CD_DATA_PROCESSING, "compute", MTD_COMPUTE);
            if (sync) {
                emitFlagsLoad();
            }
        }
        int d = insn.destination();
        if (d == Cpu.XZR || d == Cpu.SINK) {
            c.pop2();
        } else {
            c.lstore(slotOf[d]);
        }
    }

    /** Pushes {@code insn.f(xn, xm, xa)} for one of the {@link FlagSetting} functions. */
    private void emitFlagFunction(DataProcessingInsn insn, int dataIndex, String f, MethodTypeDesc type) {
        TbTranslator.emitClassData(c, CD_FLAG_SETTING, dataIndex);
        for (int n : insn.operands()) {
            emitValue(n);
        }
        c.invokeinterface(CD_FLAG_SETTING, f, type);
    }

    /**
     * Pushes whether {@code branch} (class data {@code dataIndex}) is taken: its {@link Condition} tested on the
     * flags' locals if it has one and they are in use, else {@code branch.taken(cpu, xt)}.
     */
    void emitTaken(DirectBranch branch, int dataIndex) {
        Condition cond = branch.condition();
        if (flagsInLocals && cond != null) {
            c.getstatic(CD_CONDITION, cond.name(), CD_CONDITION);
            c.lload(nfSlot).lload(nfSlot + 2).iload(nfSlot + 4).lload(nfSlot + 5);
            c.invokevirtual(CD_CONDITION, "holds", MTD_HOLDS);
        } else {
            TbTranslator.emitClassData(c, CD_DIRECT_BRANCH, dataIndex);
            c.aload(CPU);
            emitValue(branch.operand());
            c.invokevirtual(CD_DIRECT_BRANCH, "taken", MTD_TAKEN);
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

    /** The method's entry: loads the registers' locals, and gives the flags' (if any) their type. */
    void emitEntry() {
        emitReload();
        if (flags) {
            c.lconst_0().lstore(nfSlot).lconst_0().lstore(nfSlot + 2).iconst_0().istore(nfSlot + 4)
                    .lconst_0().lstore(nfSlot + 5);
        }
    }

    /** Loads the registers' locals from {@code cpu.r}: after an instruction that ran on {@code cpu.r}. */
    void emitReload() {
        for (int n : registers) {
            c.aload(CPU).getfield(CD_CPU, "r", CD_LONG_ARRAY).loadConstant(n).laload().lstore(slotOf[n]);
        }
    }

    /** Writes the registers' locals to {@code cpu.r}: before such an instruction, and at every normal return. */
    void emitWriteBack() {
        for (int n : registers) {
            c.aload(CPU).getfield(CD_CPU, "r", CD_LONG_ARRAY).loadConstant(n).lload(slotOf[n]).lastore();
        }
    }

    /**
     * Starts keeping NZCV in locals (if the method has flag-setting instructions): loads them from {@code cpu},
     * and the code emitted from here until {@link #endFlagsInLocals} uses them. Only for code that neither
     * leaves nor runs an instruction on {@code cpu} in between (a counted self-loop's body and branch).
     */
    void emitFlagsIntoLocals() {
        flagsInLocals = flags;
        emitFlagsLoad();
    }

    /**
     * Stops keeping NZCV in locals: the code emitted from here on uses {@code cpu}'s. Nothing is emitted: each
     * way out of the code that used the locals stores them with {@link #emitFlagsStore}.
     */
    void endFlagsInLocals() {
        flagsInLocals = false;
    }

    private void emitFlagsLoad() {
        if (flags) {
            c.aload(CPU).getfield(CD_CPU, "nf", CD_long).lstore(nfSlot);
            c.aload(CPU).getfield(CD_CPU, "zf", CD_long).lstore(nfSlot + 2);
            c.aload(CPU).getfield(CD_CPU, "cf", CD_int).istore(nfSlot + 4);
            c.aload(CPU).getfield(CD_CPU, "vf", CD_long).lstore(nfSlot + 5);
        }
    }

    /** Stores the flags' locals to {@code cpu}, on a way out of the code that kept them there. */
    void emitFlagsStore() {
        if (flags) {
            c.aload(CPU).lload(nfSlot).putfield(CD_CPU, "nf", CD_long);
            c.aload(CPU).lload(nfSlot + 2).putfield(CD_CPU, "zf", CD_long);
            c.aload(CPU).iload(nfSlot + 4).putfield(CD_CPU, "cf", CD_int);
            c.aload(CPU).lload(nfSlot + 5).putfield(CD_CPU, "vf", CD_long);
        }
    }
}
